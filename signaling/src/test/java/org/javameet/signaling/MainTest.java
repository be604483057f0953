package org.javameet.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link Main} sets before anything else runs: production defaults an operator can still override. */
class MainTest {
    private static final String LEVEL = "io.netty.leakDetection.level";
    private static final String LEGACY_LEVEL = "io.netty.leakDetectionLevel";
    private String savedLevel;
    private String savedLegacy;

    @BeforeEach
    void save() {
        savedLevel = System.getProperty(LEVEL); // surefire's argLine sets paranoid for every test
        savedLegacy = System.getProperty(LEGACY_LEVEL);
        System.clearProperty(LEVEL);
        System.clearProperty(LEGACY_LEVEL);
    }

    @AfterEach
    void restore() {
        set(LEVEL, savedLevel);
        set(LEGACY_LEVEL, savedLegacy);
    }

    @Test
    void leakDetectionIsOffByDefault() {
        Main.productionDefaults();
        assertEquals("disabled", System.getProperty(LEVEL));
    }

    @Test
    void anOperatorsLeakDetectionLevelWins() {
        System.setProperty(LEVEL, "paranoid");
        Main.productionDefaults();
        assertEquals("paranoid", System.getProperty(LEVEL));
    }

    @Test
    void theLegacyPropertyNameAlsoWins() {
        System.setProperty(LEGACY_LEVEL, "advanced");
        Main.productionDefaults();
        assertEquals(null, System.getProperty(LEVEL), "Netty reads the legacy name when the new one is unset");
        assertEquals("advanced", System.getProperty(LEGACY_LEVEL));
    }

    private static void set(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
