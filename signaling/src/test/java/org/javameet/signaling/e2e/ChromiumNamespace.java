package org.javameet.signaling.e2e;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * A network namespace nested in the test's own, reached over a veth pair (an address on each end, RFC 5737): a
 * participant on another network, whose traffic to and from the server crosses one link the test controls
 * (nftables rules inside, a qdisc on the test's end). Subclasses say what the link does.
 *
 * <p>Chromium runs inside it under its own chromedriver, which the test drives over the veth
 * ({@link RemoteWebDriver}): a chromedriver outside could not reach a browser whose loopback is another one.
 * Needs {@code unshare}, {@code nsenter}, {@code ip} (and {@code nft}, {@code tc} as used), and
 * CAP_NET_ADMIN/CAP_SYS_ADMIN in the test's namespace (test.sh runs the browser tests as root of a user
 * namespace of their own).
 */
abstract class ChromiumNamespace implements AutoCloseable {
    final String hostAddress;
    final String innerAddress;
    final String hostInterface;
    private final String innerInterface;
    private final int driverPort;

    private final Process holder;
    private final String netns;
    private Process chromedriver;
    private final List<WebDriver> drivers = new ArrayList<>();

    static String missingPrerequisite() {
        for (String tool : List.of("/usr/bin/unshare", "/usr/bin/nsenter", "/usr/sbin/nft", "/usr/sbin/tc",
                "/usr/sbin/ip", "/usr/bin/ip", Browsers.CHROMEDRIVER)) {
            if (tool.endsWith("/ip") && (new File("/usr/sbin/ip").canExecute() || new File("/usr/bin/ip").canExecute())) {
                continue;
            }
            if (!new File(tool).canExecute()) {
                return tool + " not found (nftables, iproute2, util-linux, chromium-driver)";
            }
        }
        return null;
    }

    /**
     * @param nftRules nftables rules loaded inside, or null for none
     */
    ChromiumNamespace(String hostAddress, String innerAddress, String hostInterface, String innerInterface,
            int driverPort, String nftRules) throws Exception {
        this.hostAddress = hostAddress;
        this.innerAddress = innerAddress;
        this.hostInterface = hostInterface;
        this.innerInterface = innerInterface;
        this.driverPort = driverPort;
        // the namespace lives as long as this process does; everything in it goes with it
        holder = new ProcessBuilder("unshare", "--net", "sleep", "3600").redirectErrorStream(true).start();
        netns = "/proc/" + holder.pid() + "/ns/net";
        try {
            waitFor(() -> new File(netns).exists() && !readLink(netns).equals(readLink("/proc/self/ns/net")));
            run("ip", "link", "add", hostInterface, "type", "veth", "peer", "name", innerInterface, "netns",
                    Long.toString(holder.pid()));
            run("ip", "addr", "add", hostAddress + "/24", "dev", hostInterface);
            run("ip", "link", "set", hostInterface, "up");
            inside("ip", "link", "set", "lo", "up");
            inside("ip", "addr", "add", innerAddress + "/24", "dev", innerInterface);
            inside("ip", "link", "set", innerInterface, "up");
            inside("ip", "route", "add", "default", "via", hostAddress, "dev", innerInterface);
            if (nftRules != null) {
                Path rules = Files.createTempFile("javameet-namespace", ".nft");
                Files.writeString(rules, nftRules);
                inside("nft", "-f", rules.toString());
                Files.delete(rules);
            }
            chromedriver = new ProcessBuilder(ClientPriority.niced(List.of("nsenter", "--net=" + netns,
                    Browsers.CHROMEDRIVER, "--port=" + driverPort, "--allowed-ips=" + hostAddress)))
                    .redirectErrorStream(true)
                    .redirectOutput(File.createTempFile("javameet-chromedriver-namespace", ".log"))
                    .start();
            waitFor(() -> {
                try {
                    HttpURLConnection c = (HttpURLConnection) driverUrl().resolve("/status").toURL().openConnection();
                    c.setConnectTimeout(500);
                    return c.getResponseCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private URI driverUrl() {
        return URI.create("http://" + innerAddress + ":" + driverPort + "/");
    }

    /** A Chromium inside the namespace; {@code origin} (http://198.51.100.1:port) is treated as secure for getUserMedia. */
    WebDriver openChromium(String origin) throws Exception {
        return openChromium(origin, 1280, 800);
    }

    /** The same, its window {@code width} x {@code height} (the tiles, and so the layers asked for, follow it). */
    WebDriver openChromium(String origin, int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("javameet-chromium-namespace");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(Browsers.CHROMIUM);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
                "--disable-features=WebRtcHideLocalIpsWithMdns", "--window-size=" + width + "," + height,
                "--unsafely-treat-insecure-origin-as-secure=" + origin, "--user-data-dir=" + profile,
                "--use-file-for-fake-video-capture=" + Browsers.fakeCameraClip(false));
        RemoteWebDriver d = new RemoteWebDriver(new URL(driverUrl().toString()), o);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        drivers.add(d);
        return d;
    }

    String inside(String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("nsenter", "--net=" + netns));
        c.addAll(List.of(command));
        return run(c.toArray(new String[0]));
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static String readLink(String path) {
        try {
            return Files.readSymbolicLink(Path.of(path)).toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the namespace did not come up");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        for (WebDriver d : drivers) {
            try {
                d.quit();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        drivers.clear();
        if (chromedriver != null) {
            chromedriver.descendants().forEach(ProcessHandle::destroyForcibly);
            chromedriver.destroyForcibly();
        }
        holder.destroyForcibly(); // the namespace, its veth end and its rules go with its last process
    }
}
