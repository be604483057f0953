package org.javameet.sfu.stun;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import org.javameet.sfu.rtp.FuzzInput;

/**
 * Jazzer fuzzing of the STUN parser and both checks: only StunException, never out of bounds. CI runs the committed
 * corpus (StunFuzzTestInputs/) as regression tests; JAZZER_FUZZ=1 fuzzes (docs/performance.md, "Fuzzing").
 */
class StunFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void stunMessage(byte[] data) {
        ByteBuf raw = FuzzInput.wrap(data);
        try {
            StunMessage.checkIntegrity(raw, StunVectorsTest.PASSWORD);
            StunMessage.checkFingerprint(raw);
            StunMessage msg;
            try {
                msg = StunMessage.parse(raw);
            } catch (StunException expected) {
                return;
            }
            assertTrue(msg.length() <= raw.readableBytes());
            msg.username();
            msg.priority();
            msg.iceControlling();
            msg.iceControlled();
            msg.useCandidate();
            msg.xorMappedAddress();
            msg.errorCode();
            msg.errorReason();
            IceUsername.split(msg.username());
            for (StunMessage.Attribute a : msg.attributes()) {
                assertTrue(a.offset() + 4 + a.value().length <= msg.length());
            }
        } finally {
            raw.release();
        }
    }
}
