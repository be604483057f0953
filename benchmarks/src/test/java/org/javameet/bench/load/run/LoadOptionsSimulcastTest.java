package org.javameet.bench.load.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --simulcast}, {@code --receiver-cap}, {@code --capped-receivers}: parsed, checked, who is capped. */
class LoadOptionsSimulcastTest {
    private static LoadOptions parse(String... args) {
        return LoadOptions.parse(args);
    }

    @Test
    void theLastKParticipantsOfEachRoomAreCapped() {
        LoadOptions o = parse("--target", "javameet", "--simulcast", "3", "--receiver-cap", "300",
                "--capped-receivers", "2");
        assertEquals(3, o.simulcast());
        assertEquals(300, o.receiverCapKbps());
        assertFalse(o.capped(3, 6));
        assertTrue(o.capped(4, 6));
        assertTrue(o.capped(5, 6));
        LoadOptions all = parse("--target", "javameet", "--receiver-cap", "500");
        assertTrue(all.capped(0, 4), "a cap without a count caps everyone");
        LoadOptions none = parse("--target", "javameet");
        assertFalse(none.capped(5, 6));
        assertEquals(1, none.simulcast());
    }

    @Test
    void optionsThatCannotApplyAreRefusedByName() {
        assertThrows(LoadOptions.UsageException.class, () -> parse("--capped-receivers", "2"));
        assertThrows(LoadOptions.UsageException.class, () -> parse("--target", "janus", "--simulcast", "3"));
        assertThrows(LoadOptions.UsageException.class, () -> parse("--target", "baseline", "--receiver-cap", "300"));
        assertThrows(LoadOptions.UsageException.class, () -> parse("--simulcast", "4"));
        assertThrows(LoadOptions.UsageException.class, () -> parse("--receiver-cap", "8"));
        // next to javameet, Janus runs one stream per publisher and the report says the option did not apply
        assertEquals(3, parse("--target", "javameet,janus", "--simulcast", "3").simulcast());
    }
}
