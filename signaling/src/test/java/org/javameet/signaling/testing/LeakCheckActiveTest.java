package org.javameet.signaling.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.javameet.testing.LeakFailingExtension;
import org.javameet.testing.LeakRecorder;
import org.junit.jupiter.api.Test;

/** Guards this module's leak check: sfu-core's test-jar is on the classpath and its extension runs here. */
class LeakCheckActiveTest {
    @Test
    void leakFailingExtensionRunsForThisModule() {
        assertTrue(LeakFailingExtension.isChecking(LeakCheckActiveTest.class),
                "LeakFailingExtension is not registered: sfu-core test-jar dependency or surefire configurationParameters missing");
        assertTrue(LeakRecorder.isRecording(ByteBuf.class));
    }
}
