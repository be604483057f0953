package org.javameet.signaling.e2e;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through chromedriver, with a fake camera and microphone. Tests run
 * inside a network namespace that has only loopback (see test.sh), so Chromium reaches nothing else.
 */
final class Browsers implements AutoCloseable {
    /**
     * The host candidates a server for browsers announces. test.sh runs the browsers in a namespace whose only
     * non-loopback interface is a veth with 192.0.2.1, and Chromium gathers on that one. A server that announced
     * only 127.0.0.1 got no UDP pair to work: its socket is bound to the wildcard, and the kernel answers a
     * check sent from 192.0.2.1 to 127.0.0.1 from 192.0.2.1, not from 127.0.0.1, so Chromium drops the
     * response as coming from an unknown address and every connection fell back to ICE-TCP. Announcing the
     * namespace's address too gives a pair whose answers come from where they were sent: media goes over UDP,
     * as in the field.
     */
    static final List<String> HOST_CANDIDATES = List.of("192.0.2.1", "127.0.0.1");

    static final String CHROMIUM = System.getProperty("javameet.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("javameet.chromedriver", "/usr/bin/chromedriver");

    private final List<WebDriver> drivers = new ArrayList<>();

    static String missingPrerequisite() {
        if (!new File(CHROMIUM).canExecute()) {
            return CHROMIUM + " not found: apt-get install chromium";
        }
        if (!new File(CHROMEDRIVER).canExecute()) {
            return CHROMEDRIVER + " not found: apt-get install chromium-driver";
        }
        return null;
    }

    /**
     * Y4M clips for Chromium's fake camera, 640x360 at 15 fps (Chromium loops them and cannot scale a file
     * up, so capture stays at 360p). Two kinds: moving noise, which no encoder can squeeze, so the bitrate a
     * browser sends shows what the SFU's bandwidth feedback allows; and a cheap moving box, so several
     * browsers on two cores are not starved by their own encoders (Chromium's built-in pattern is 720p and
     * four 720p encoders on two cores made browsers miss their own ICE/DTLS timers). Made once per JVM.
     */
    static synchronized Path fakeCameraClip(boolean noise) throws java.io.IOException {
        Path cached = noise ? noiseClip : boxClip;
        if (cached != null) {
            return cached;
        }
        int w = 640;
        int h = 360;
        Path file = Files.createTempFile(noise ? "javameet-noise-camera" : "javameet-box-camera", ".y4m");
        java.util.Random random = new java.util.Random(42);
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(("YUV4MPEG2 W" + w + " H" + h + " F15:1 Ip A1:1 C420jpeg\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] luma = new byte[w * h];
            byte[] chroma = new byte[w * h / 4];
            for (int f = 0; f < 30; f++) {
                out.write("FRAME\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                if (noise) {
                    random.nextBytes(luma);
                } else {
                    java.util.Arrays.fill(luma, (byte) 60);
                    int x0 = f * (w - 80) / 30;
                    for (int y = 140; y < 220; y++) {
                        java.util.Arrays.fill(luma, y * w + x0, y * w + x0 + 80, (byte) 220);
                    }
                }
                out.write(luma);
                java.util.Arrays.fill(chroma, (byte) (64 + f * 4));
                out.write(chroma);
                out.write(chroma);
            }
        }
        file.toFile().deleteOnExit();
        if (noise) {
            noiseClip = file;
        } else {
            boxClip = file;
        }
        return file;
    }

    private static Path noiseClip;
    private static Path boxClip;
    private static Path detailedClip;

    /**
     * A camera whose simulcast layers run at realistic rates: 1280x720 at 15 fps, ffmpeg's testsrc2 (moving
     * pattern, text, colour bars) with temporal noise, 3 s, which Chromium loops. 15 fps, not 30: at 30 a busy
     * two-core machine made Chromium's encoder scale every layer down and then drop r2 (its CPU adaptation). The box clip's layers cost
     * 40-170 kbit/s whatever the resolution, so a shaped link had to be starved before any layer stopped
     * fitting; on this clip libwebrtc's encoder spends what it is allowed at every layer, as a real camera
     * does (docs/performance.md has the rates measured). ffmpeg makes it once per JVM (~60 MB, deleted on
     * exit); costly to encode, so for the one publisher of a test, not every browser.
     */
    static synchronized Path detailedCameraClip() throws java.io.IOException, InterruptedException {
        if (detailedClip != null) {
            return detailedClip;
        }
        Path file = Files.createTempFile("javameet-detailed-camera", ".y4m");
        file.toFile().deleteOnExit();
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=1280x720:rate=15,noise=alls=12:allf=t", "-t", "3", "-pix_fmt", "yuv420p",
                file.toString()).redirectErrorStream(true).start();
        String output = new String(ffmpeg.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!ffmpeg.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || ffmpeg.exitValue() != 0) {
            throw new java.io.IOException("ffmpeg could not make the camera clip: " + output);
        }
        detailedClip = file;
        return file;
    }

    /** A browser whose camera is the cheap moving-box clip. */
    WebDriver open() throws Exception {
        return open(1280, 800, false);
    }

    /** A browser with the given window size (e.g. 390x844 for a phone). */
    WebDriver open(int width, int height) throws Exception {
        return open(width, height, false);
    }

    /** @param noiseCamera use the {@link #fakeCameraClip(boolean) noise clip} as the camera, to measure real bitrates */
    WebDriver open(boolean noiseCamera) throws Exception {
        return open(1280, 800, noiseCamera);
    }

    WebDriver open(int width, int height, boolean noiseCamera) throws Exception {
        return open(width, height, noiseCamera, List.of());
    }

    /** @param extraArguments more Chromium flags, for what one test needs (e.g. trusting its TURN server's certificate) */
    WebDriver open(int width, int height, boolean noiseCamera, List<String> extraArguments) throws Exception {
        return open(width, height, fakeCameraClip(noiseCamera), extraArguments);
    }

    /** A browser whose camera is {@code cameraClip} (a Y4M file, e.g. {@link #detailedCameraClip()}). */
    WebDriver open(Path cameraClip) throws Exception {
        return open(1280, 800, cameraClip, List.of());
    }

    private WebDriver open(int width, int height, Path cameraClip, List<String> extraArguments) throws Exception {
        Path profile = Files.createTempDirectory("javameet-chromium");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        o.addArguments("--use-file-for-fake-video-capture=" + cameraClip);
        // the page's console, for a failing test to print (consoleLog)
        o.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        o.addArguments(extraArguments);
        // the page's console (warnings say why a client reconnects), read by describe() on a failure
        o.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(ClientPriority.nicedChromedriver().toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        if (width < 500) {
            // Chromium keeps windows at least 500 px wide: a phone's viewport needs device emulation
            d.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                    "width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
        }
        drivers.add(d);
        profiles.put(d, profile);
        return d;
    }

    private final Map<WebDriver, Path> profiles = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Every process of this browser: the Chromium started with its profile directory, and all its children
     * (renderers, GPU, network service), for tests that stop a browser (SIGSTOP) as a frozen laptop would.
     */
    List<ProcessHandle> processesOf(WebDriver d) {
        String flag = "--user-data-dir=" + profiles.get(d);
        List<ProcessHandle> out = new ArrayList<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(flag)).orElse(false))
                .filter(p -> p.parent().map(pp -> !pp.info().commandLine().map(c -> c.contains(flag)).orElse(false))
                        .orElse(true)) // the browser process itself, not a child that repeats the flag
                .forEach(p -> {
                    out.add(p);
                    p.descendants().forEach(out::add);
                });
        return out;
    }

    static String onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return new File(dir, program).getPath();
            }
        }
        return null;
    }

    static Object js(WebDriver d, String script, Object... args) {
        return ((JavascriptExecutor) d).executeScript(script, args);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> stats(WebDriver d) {
        return (Map<String, Object>) ((JavascriptExecutor) d).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "window.javameet.stats().then(done, e => done({error: String(e)}));");
    }

    static void await(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(condition.get())) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }

    /** Waits until a JavaScript expression (the body of a function) returns true in the page. */
    static void awaitJs(WebDriver d, String what, Duration timeout, String script, Object... args) throws InterruptedException {
        await(what, timeout, () -> {
            try {
                return Boolean.TRUE.equals(js(d, script, args));
            } catch (org.openqa.selenium.JavascriptException e) {
                return false; // the page is (re)loading
            }
        });
    }

    /**
     * Clicks an element once a person could: it exists, is laid out, and is the topmost element at its centre.
     * A busy page moves between layouts and rebuilds lists (the participants panel re-renders its rows on
     * every roster change, so a row's button found a moment ago can be gone); a person waits for the button
     * they mean to press, and so does the test. A click WebDriver reports as not delivered (intercepted, or
     * on an element replaced in between) did not happen, so it is made again on the element found anew.
     */
    static void click(WebDriver d, org.openqa.selenium.By by, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                org.openqa.selenium.WebElement e = d.findElement(by);
                if (Boolean.TRUE.equals(js(d, "const e = arguments[0]; e.scrollIntoView({block: 'nearest'});"
                        + " const r = e.getBoundingClientRect(); if (r.width === 0 || r.height === 0) return false;"
                        + " const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
                        + " return !!hit && (hit === e || e.contains(hit));", e))) {
                    e.click();
                    return;
                }
            } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException
                    | org.openqa.selenium.ElementClickInterceptedException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting to click " + by
                + (last == null ? " (never on top at its centre)" : " (" + last.getClass().getSimpleName() + ")"));
    }

    /**
     * Opens the participants panel (as a person would: its toolbar button) and waits until the row of
     * {@code participantId} shows {@code connection} in its connection badge.
     */
    static void awaitPanelConnection(WebDriver d, String participantId, String connection, Duration timeout)
            throws InterruptedException {
        if (Boolean.TRUE.equals(js(d, "return document.getElementById('participants-panel').hidden"))) {
            click(d, org.openqa.selenium.By.id("toggle-participants"), timeout);
        }
        awaitJs(d, "the participants panel showing " + participantId + " connected by " + connection, timeout,
                "const b = document.querySelector(`#participants-list li[data-participant-id=\"${arguments[0]}\"]"
                        + " .row-connection`); return !!b && b.dataset.connection === arguments[1]"
                        + " && b.textContent === arguments[1].toUpperCase()", participantId, connection);
    }

    /**
     * What a page is doing, for a failure message: state, our id, reconnect state, chat count and any text
     * left in the chat box (a send the client could not make stays there). Never throws.
     */
    static String describe(WebDriver d) {
        try {
            return String.valueOf(js(d, "const j = window.javameet; if (!j) return 'no test hook';"
                    + " const box = document.getElementById('chat-input');"
                    + " return JSON.stringify({state: j.state, id: j.participantId, connection: j.connection,"
                    + " chat: j.chatMessages().length, chatBox: box ? box.value : null,"
                    + " participants: j.participants().length, error: j.errorCode,"
                    + " recent: (j.recentMessages || []).slice(-12)});"));
        } catch (RuntimeException e) {
            return "(page not answering: " + e.getClass().getSimpleName() + ")";
        }
    }

    /**
     * Both peer connections' ICE candidate pairs as the browser sees them (state, nominated, selected, our end and the
     * server's, checks sent and answered), for a failure message: which path the browser chose, and which checks went
     * unanswered. Never throws.
     */
    static String icePairs(WebDriver d) {
        try {
            return String.valueOf(((JavascriptExecutor) d).executeAsyncScript(
                    "const done = arguments[arguments.length - 1]; const j = window.javameet;"
                    + " const one = async (name, pc) => { if (!pc) return name + ': none';"
                    + "  const r = await pc.getStats(); let selected = null;"
                    + "  r.forEach(s => { if (s.type === 'transport') selected = s.selectedCandidatePairId; });"
                    + "  const c = id => { const x = r.get(id); return x ? x.candidateType + ' ' + x.protocol + ' '"
                    + "   + x.address + ':' + x.port : '?'; };"
                    + "  const out = [name + ' ' + pc.connectionState + '/' + pc.iceConnectionState];"
                    + "  r.forEach(s => { if (s.type === 'candidate-pair') out.push('  ' + (s.id === selected ? '*' : ' ')"
                    + "   + s.state + (s.nominated ? ' nominated' : '') + ' ' + c(s.localCandidateId) + ' -> '"
                    + "   + c(s.remoteCandidateId) + ' req ' + s.requestsSent + ' resp ' + s.responsesReceived"
                    + "   + ' rtt ' + s.currentRoundTripTime); });"
                    + "  return out.join('\\n'); };"
                    + " Promise.all([one('publish', j.publishPc), one('subscribe', j.subscribePc)])"
                    + "  .then(a => done(a.join('\\n')), e => done('getStats failed: ' + e));"));
        } catch (RuntimeException e) {
            return "(page not answering: " + e.getClass().getSimpleName() + ")";
        }
    }

    /** The page's last console warnings and errors (reading them empties the browser's buffer). Never throws. */
    static List<String> consoleWarnings(WebDriver d, int last) {
        try {
            List<String> out = new ArrayList<>();
            for (org.openqa.selenium.logging.LogEntry e : d.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)) {
                if (e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    out.add(e.getTimestamp() % 1_000_000 + " " + e.getMessage());
                }
            }
            return out.subList(Math.max(0, out.size() - last), out.size());
        } catch (RuntimeException e) {
            return List.of("(no console: " + e.getClass().getSimpleName() + ")");
        }
    }

    /** {@link #awaitJs} whose failure message also {@link #describe describes} the given pages. */
    static void awaitJsDescribing(WebDriver d, String what, Duration timeout, List<WebDriver> pages, String script,
            Object... args) throws InterruptedException {
        try {
            awaitJs(d, what, timeout, script, args);
        } catch (AssertionError e) {
            StringBuilder sb = new StringBuilder(e.getMessage());
            for (int i = 0; i < pages.size(); i++) {
                sb.append("\n  page ").append(i).append(": ").append(describe(pages.get(i)));
                for (String line : consoleWarnings(pages.get(i), 8)) {
                    sb.append("\n    console ").append(line);
                }
            }
            throw new AssertionError(sb.toString(), e);
        }
    }

    /** What the page logged to its console since the last call (warnings and errors are what matter), for a failure. */
    static List<String> consoleLog(WebDriver d) {
        List<String> out = new ArrayList<>();
        try {
            d.manage().logs().get("browser").forEach(e -> out.add(e.getLevel() + " " + e.getMessage()));
        } catch (RuntimeException e) {
            out.add("(no console log: " + e.getClass().getSimpleName() + ")");
        }
        return out;
    }

    /** Waits for {@code window.javameet.state} to reach a value. */
    static void awaitState(WebDriver d, String state, Duration timeout) throws InterruptedException {
        awaitJs(d, "state " + state + " (now " + safeState(d) + ")", timeout,
                "return !!window.javameet && window.javameet.state === arguments[0]", state);
    }

    private static String safeState(WebDriver d) {
        try {
            return String.valueOf(js(d, "return window.javameet && window.javameet.state"));
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /** The directory screenshots go to: target/screenshots of the module under test. */
    static Path screenshotDir() throws java.io.IOException {
        Path dir = Path.of(System.getProperty("javameet.screenshotDir", "target/screenshots"));
        Files.createDirectories(dir);
        return dir;
    }

    /** Saves a PNG of the browser's viewport as {@code <name>.png} and returns its path. */
    static Path screenshot(WebDriver d, String name) throws java.io.IOException {
        byte[] png = ((org.openqa.selenium.TakesScreenshot) d).getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
        Path file = screenshotDir().resolve(name + ".png");
        Files.write(file, png);
        System.out.println("[e2e] screenshot " + file.toAbsolutePath());
        return file;
    }

    void close(WebDriver d) {
        drivers.remove(d);
        d.quit();
    }

    /** Quits every browser, in parallel: a busy Chromium can take many seconds to quit. */
    @Override
    public void close() {
        List<Thread> quitting = new ArrayList<>();
        for (WebDriver d : drivers) {
            Thread t = new Thread(() -> {
                try {
                    d.quit();
                } catch (RuntimeException e) {
                    // already gone
                }
            }, "quit-browser");
            t.start();
            quitting.add(t);
        }
        for (Thread t : quitting) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        drivers.clear();
    }

    /** The server's {@code /metrics} sample {@code name} now, summed over its label sets; 0 when absent. */
    static double metric(org.javameet.signaling.JavameetServer server, String name) {
        return server.meterRegistry().scrape().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
