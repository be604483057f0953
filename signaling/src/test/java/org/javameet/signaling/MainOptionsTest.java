package org.javameet.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.javameet.signaling.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: {@code --max-publisher-bitrate-kbps} overrides the file, and out-of-range values stop the start. */
class MainOptionsTest {
    @Test
    void theFlagOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("javameet.json"), "{\"maxPublisherBitrateKbps\": 4000}");
        ServerConfig fromFile = ServerConfig.load(file);
        assertEquals(4000, fromFile.maxPublisherBitrateKbps());
        assertEquals(1200, Main.Options.parse(new String[] {"--max-publisher-bitrate-kbps", "1200"})
                .apply(fromFile).maxPublisherBitrateKbps());
        assertEquals(800, Main.Options.parse(new String[] {"--max-publisher-bitrate-kbps=800"})
                .apply(fromFile).maxPublisherBitrateKbps());
        assertEquals(4000, Main.Options.parse(new String[0]).apply(fromFile).maxPublisherBitrateKbps(), "unset: the file's");
    }

    @Test
    void absurdValuesAreRefusedByName() {
        for (String v : new String[] {"0", "299", "100001", "2500000", "2.5", "fast", ""}) {
            Main.UsageException e = assertThrows(Main.UsageException.class,
                    () -> Main.Options.parse(new String[] {"--max-publisher-bitrate-kbps=" + v}), v);
            assertEquals("--max-publisher-bitrate-kbps must be an integer 300-100000, got \"" + v + "\"", e.getMessage());
        }
        Main.UsageException missing = assertThrows(Main.UsageException.class,
                () -> Main.Options.parse(new String[] {"--max-publisher-bitrate-kbps"}));
        assertEquals("--max-publisher-bitrate-kbps needs a value", missing.getMessage());
    }

    @Test
    void theServerDoesNotStartWithAnAbsurdCeiling(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int code = Main.run(new String[] {"--max-publisher-bitrate-kbps", "25"}, out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith(
                "javameet: --max-publisher-bitrate-kbps must be an integer 300-100000, got \"25\""), err.toString());

        Path file = Files.writeString(dir.resolve("bad.json"), "{\"maxPublisherBitrateKbps\": 1000000}");
        err.reset();
        assertEquals(2, Main.run(new String[] {"--config", file.toString()}, out,
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("javameet: config " + file + ": \"maxPublisherBitrateKbps\" must be an integer 300-100000, got 1000000",
                err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void theHelpNamesTheFlag() {
        assertTrue(Main.USAGE.contains("--max-publisher-bitrate-kbps N"), Main.USAGE);
    }
}
