package org.javameet.signaling.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A GStreamer webrtcbin participant ({@code src/test/gstreamer/participant.py}): joins over the WebSocket,
 * publishes VP8 + Opus on a max-bundle connection and decodes what it is sent. It prints its state once a
 * second; {@link #status()} is the latest line.
 */
final class GStreamerParticipant implements AutoCloseable {
    static final String PYTHON = "/usr/bin/python3"; // Debian's, which has python3-gi (not a pyenv one)
    static final Path SCRIPT = Path.of("src/test/gstreamer/participant.py").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private volatile JsonNode status = JSON.createObjectNode();

    /** Null when python3-gi, webrtcbin and libsoup's introspection data are there; else what to install. */
    static String missingPrerequisite() throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", "import gi; gi.require_version('Gst', '1.0');"
                + " gi.require_version('GstWebRTC', '1.0'); gi.require_version('Soup', '3.0');"
                + " from gi.repository import Gst; Gst.init(None);"
                + " assert Gst.ElementFactory.find('webrtcbin') and Gst.ElementFactory.find('vp8enc')"
                + " and Gst.ElementFactory.find('opusenc') and Gst.ElementFactory.find('nicesrc')")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            return "GStreamer's webrtcbin from Python is not usable (" + out.strip() + "): apt-get install python3-gi"
                    + " gir1.2-gst-plugins-bad-1.0 gir1.2-soup-3.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad"
                    + " gstreamer1.0-nice (test.sh does it)";
        }
        return null;
    }

    GStreamerParticipant(String ws, String room, String name) throws IOException {
        process = new ProcessBuilder(ClientPriority.niced(List.of(PYTHON, SCRIPT.toString(), ws, room, name)))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    try {
                        status = JSON.readTree(line);
                    } catch (IOException e) {
                        System.out.println("[gstreamer " + name + "] " + line);
                    }
                }
            } catch (IOException e) {
                // ended
            }
        }, "gstreamer-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    JsonNode status() {
        return status;
    }

    String state() {
        return status.path("state").asText("starting");
    }

    String participantId() {
        return status.path("participantId").asText(null);
    }

    /** True when it decoded video frames and received audio buffers of every one of {@code others}. */
    boolean receivesAll(java.util.List<String> others) {
        for (String other : others) {
            JsonNode r = status.path("received").path(other);
            if (r.path("videoFrames").asLong() <= 0 || r.path("audioBuffers").asLong() <= 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close(); // end of stdin: it leaves and exits
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
