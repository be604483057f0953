package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.javameet.sfu.stun.StunException;
import org.javameet.sfu.stun.StunMessage;
import org.javameet.sfu.stun.StunMessageBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * ICE-lite's side of a connectivity check: parse Chromium's binding request and verify MESSAGE-INTEGRITY
 * (HMAC-SHA1 with our ice-pwd) and FINGERPRINT (CRC-32); then write the success response. Browsers send a
 * check every few seconds per transport plus a burst at connect, so this is not per media packet.
 */
public class StunBench extends Bench {
    private static final byte[] KEY = Packets.ICE_PWD.getBytes(StandardCharsets.UTF_8);
    /** Another transport's password on the same loop, so consecutive checks alternate keys as they do there. */
    private static final byte[] OTHER_KEY = "x9Tq2ZrW7pLmN4vB8cK1sD".getBytes(StandardCharsets.UTF_8);

    private ByteBuf request;
    private ByteBuf response;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] raw = Packets.stunBindingRequest();
        request = Unpooled.directBuffer(raw.length).writeBytes(raw);
        response = Unpooled.buffer(128);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        request.release();
        response.release();
    }

    @Benchmark
    public StunMessage parseAndCheckBindingRequest() throws StunException {
        StunMessage msg = StunMessage.parse(request);
        if (!StunMessage.checkIntegrity(request, KEY) || !StunMessage.checkFingerprint(request)) {
            throw new IllegalStateException("check failed");
        }
        return msg;
    }

    @Benchmark
    public int writeBindingSuccess() {
        response.clear();
        return StunMessageBuilder.writeBindingSuccess(response, Packets.TRANSACTION_ID, Packets.MAPPED, KEY);
    }

    /** A check for one transport, then the answer to another's: the HMAC key changes twice per op. */
    @Benchmark
    public int checkAndAnswerAcrossTransports() throws StunException {
        StunMessage.parse(request);
        if (!StunMessage.checkIntegrity(request, KEY)) {
            throw new IllegalStateException("check failed");
        }
        response.clear();
        return StunMessageBuilder.writeBindingSuccess(response, Packets.TRANSACTION_ID, Packets.MAPPED, OTHER_KEY);
    }
}
