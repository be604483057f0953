package org.javameet.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LoggingTest {
    @Test
    void clientTextCannotForgeALogLine() {
        LogRecord r = new LogRecord(Level.INFO, "room x: participant p1 (Ada\r\n2026-01-01T00:00:00Z ERROR Main: fake\u001b[31m) joined");
        r.setLoggerName("org.javameet.signaling.room.Room");
        String line = new Logging.OneLineFormatter().format(r);
        assertEquals(1, line.split("\n", -1).length - 1, line);
        assertTrue(line.endsWith("INFO  Room: room x: participant p1 (Ada\\x0d\\x0a2026-01-01T00:00:00Z ERROR Main: fake"
                + "\\x1b[31m) joined\n"), line);
    }
}
