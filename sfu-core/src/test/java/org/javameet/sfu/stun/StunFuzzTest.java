package org.javameet.sfu.stun;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.rtp.Mutator;
import org.junit.jupiter.api.Test;

/** Seeded fuzzing of the STUN parser and both checks: only StunException, never out of bounds. */
class StunFuzzTest {
    @Test
    void twentyThousandMutatedMessages() {
        List<String> seeds = new ArrayList<>(List.of(StunVectorsTest.REQUEST, StunVectorsTest.RESPONSE_V4,
                StunVectorsTest.RESPONSE_V6, StunVectorsTest.REQUEST_LONG_TERM));
        ByteBuf built = Unpooled.buffer();
        try {
            StunMessageBuilder.bindingError(new byte[12], 487, "Role Conflict").fingerprint().writeTo(built);
            seeds.add(ByteBufUtil.hexDump(built));
            built.clear();
            StunMessageBuilder.writeBindingSuccess(built, new byte[12], new InetSocketAddress("10.0.0.1", 9), new byte[] {1});
            seeds.add(ByteBufUtil.hexDump(built));
        } finally {
            built.release();
        }
        Mutator m = new Mutator(0x57A4, seeds);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++) {
            ByteBuf raw = m.wrap(m.next());
            try {
                StunMessage.checkIntegrity(raw, StunVectorsTest.PASSWORD);
                StunMessage.checkFingerprint(raw);
                StunMessage msg;
                try {
                    msg = StunMessage.parse(raw);
                } catch (StunException expected) {
                    continue;
                }
                parsed++;
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
        assertTrue(parsed > 2_000, "enough inputs must parse to exercise the accessors: " + parsed);
        assertTrue(new String(StunVectorsTest.PASSWORD, StandardCharsets.UTF_8).length() > 0);
    }
}
