package org.javameet.signaling.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A headless Firefox ESR participant, driven by {@code src/test/firefox/participant.mjs} (puppeteer-core over
 * WebDriver BiDi; Debian ships no geckodriver for Selenium). One Node process per browser; requests are
 * JavaScript expressions evaluated in the page, answered as JSON.
 */
final class FirefoxParticipant implements AutoCloseable {
    static final String FIREFOX = System.getProperty("javameet.firefox", "/usr/bin/firefox-esr");
    static final Path DRIVER_DIR = Path.of("src/test/firefox").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process node;
    private final Writer requests;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final CompletableFuture<JsonNode> ready = new CompletableFuture<>();

    /** Null when Firefox and its driver are there; else what to install. */
    static String missingPrerequisite() {
        if (!new File(FIREFOX).canExecute()) {
            return FIREFOX + " not found: apt-get install firefox-esr";
        }
        if (!Files.isDirectory(DRIVER_DIR.resolve("node_modules/puppeteer-core"))) {
            return "puppeteer-core not installed: npm ci --prefix " + DRIVER_DIR + " (test.sh does it)";
        }
        return null;
    }

    FirefoxParticipant(String name, String url) throws IOException {
        this.name = name;
        ProcessBuilder pb = new ProcessBuilder(ClientPriority.niced(
                List.of("node", DRIVER_DIR.resolve("participant.mjs").toString(), url)));
        pb.environment().put("JAVAMEET_FIREFOX", FIREFOX);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        node = pb.start();
        requests = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readReplies, "firefox-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void readReplies() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                JsonNode reply;
                try {
                    reply = JSON.readTree(line);
                } catch (IOException e) {
                    System.out.println("[firefox " + name + "] " + line);
                    continue;
                }
                int id = reply.path("id").asInt(-1);
                CompletableFuture<JsonNode> f = id == 0 ? ready : pending.remove(id);
                if (f != null) {
                    f.complete(reply);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        IllegalStateException gone = new IllegalStateException("firefox " + name + " driver exited");
        ready.completeExceptionally(gone);
        pending.values().forEach(f -> f.completeExceptionally(gone));
    }

    /** Waits until Firefox has loaded the page. */
    void awaitLoaded() throws Exception {
        ready.get(90, TimeUnit.SECONDS);
    }

    /** Evaluates a JavaScript expression in the page (a Promise is awaited) and returns its JSON value. */
    JsonNode eval(String expression) throws Exception {
        int id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode request = JSON.createObjectNode().put("id", id).put("expr", expression);
        synchronized (requests) {
            requests.write(request + "\n");
            requests.flush();
        }
        JsonNode reply = f.get(30, TimeUnit.SECONDS);
        if (!reply.path("ok").asBoolean()) {
            throw new IllegalStateException("firefox " + name + ": " + expression + ": " + reply.path("error").asText());
        }
        return reply.get("value");
    }

    /** The same shape as {@link Browsers#stats}: {@code window.javameet.stats()}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> stats() throws Exception {
        return JSON.convertValue(eval("window.javameet.stats()"), Map.class);
    }

    String state() {
        try {
            return eval("window.javameet ? window.javameet.state : null").asText();
        } catch (Exception e) {
            return "?";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            requests.close(); // end of stdin: the driver closes Firefox
        } catch (IOException e) {
            // already gone
        }
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
        }
    }
}
