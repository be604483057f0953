package org.javameet.sfu.rtp;

import static org.javameet.sfu.rtp.RtpHeaderTest.CHROMIUM_OPUS;
import static org.javameet.sfu.rtp.RtpHeaderTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

class AudioLevelTest {
    @Test
    void readsChromiumsOneByteElement() {
        ByteBuf p = hex(CHROMIUM_OPUS); // id 1 carries 0xff: voice flag set, level 127 (silence)
        try {
            int data = AudioLevel.read(p, 1);
            assertTrue(AudioLevel.voice(data));
            assertEquals(AudioLevel.SILENT, AudioLevel.level(data));
            assertEquals(AudioLevel.ABSENT, AudioLevel.read(p, 5));
        } finally {
            p.release();
        }
    }

    @Test
    void readsTheTwoByteFormAndAFewLevels() {
        // profile 0x1000, one word: id 1 len 1, data 0x1e (no voice flag, -30 dBov), one padding byte
        ByteBuf p = hex("906f1234 0001e240 11223344 10000001 01011e00 cafe");
        try {
            int data = AudioLevel.read(p, 1);
            assertFalse(AudioLevel.voice(data));
            assertEquals(30, AudioLevel.level(data));
        } finally {
            p.release();
        }
    }

    @Test
    void anElementOfTheWrongLengthIsMalformedNotALevel() {
        // one-byte form: id 1 with two data bytes
        ByteBuf p = hex("906f1234 0001e240 11223344 bede0001 11aabb00 cafe");
        try {
            assertEquals(AudioLevel.MALFORMED, AudioLevel.read(p, 1));
        } finally {
            p.release();
        }
    }

    @Test
    void aPacketWithoutExtensionsHasNoLevel() {
        ByteBuf p = hex("806f1234 0001e240 11223344 cafe");
        try {
            assertEquals(AudioLevel.ABSENT, AudioLevel.read(p, 1));
        } finally {
            p.release();
        }
    }
}
