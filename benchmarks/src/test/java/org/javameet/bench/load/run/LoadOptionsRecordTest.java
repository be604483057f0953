package org.javameet.bench.load.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --record-rooms}: javameet only, a server the harness starts (it writes the recording config), at most --rooms. */
class LoadOptionsRecordTest {
    @Test
    void recordRoomsIsParsedAndBounded() {
        assertEquals(0, LoadOptions.parse(new String[] {"--target", "javameet"}).recordRooms());
        assertEquals(2, LoadOptions.parse(new String[] {"--target", "javameet", "--rooms", "4", "--record-rooms", "2"})
                .recordRooms());
        LoadOptions.UsageException tooMany = assertThrows(LoadOptions.UsageException.class, () -> LoadOptions.parse(
                new String[] {"--target", "javameet", "--rooms", "2", "--record-rooms", "3"}));
        assertTrue(tooMany.getMessage().contains("exceeds --rooms 2"), tooMany.getMessage());
        assertThrows(LoadOptions.UsageException.class, () -> LoadOptions.parse(
                new String[] {"--target", "javameet,janus", "--record-rooms", "1"}));
        assertThrows(LoadOptions.UsageException.class, () -> LoadOptions.parse(new String[] {"--target", "javameet",
                "--server-url", "http://127.0.0.1:8080", "--record-rooms", "1"}));
    }
}
