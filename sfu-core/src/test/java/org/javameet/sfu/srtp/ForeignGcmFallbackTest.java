package org.javameet.sfu.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without the foreign linker's flags (the default: {@code ./run.sh}, the Nix package) protects
 * AES-GCM media on jitsi-srtp's binding, and the reason is there for the start-up log; with the flags (the opt-in)
 * it takes the foreign path; with them but a broken set-up it falls back and says why. Each case runs in a child
 * JVM of its own, since the flags are fixed when a JVM starts.
 */
class ForeignGcmFallbackTest {
    @Test
    void withoutTheIncubatorModuleItFallsBackAndSaysWhy() throws Exception {
        String out = child();
        assertTrue(out.contains("transform=REUSED_CONTEXTS"), out);
        assertTrue(out.contains("not opted in (JVM flags --add-modules jdk.incubator.foreign"), out);
        assertTrue(out.contains("round trip OK"), out);
    }

    @Test
    void withoutNativeAccessItFallsBackAndSaysWhy() throws Exception {
        String out = child("--add-modules", "jdk.incubator.foreign");
        assertTrue(out.contains("transform=REUSED_CONTEXTS"), out);
        assertTrue(out.contains("--enable-native-access=ALL-UNNAMED"), out);
        assertTrue(out.contains("round trip OK"), out);
    }

    @Test
    void withAMissingLibcryptoItFallsBackAndSaysWhy() throws Exception {
        String out = child("--add-modules", "jdk.incubator.foreign", "--enable-native-access=ALL-UNNAMED",
                "-Djavameet.srtp.libcrypto=libcrypto-that-is-not-there.so");
        assertTrue(out.contains("transform=REUSED_CONTEXTS"), out);
        assertTrue(out.contains("libcrypto-that-is-not-there.so"), out);
        assertTrue(out.contains("round trip OK"), out);
    }

    @Test
    void withTheFlagsItTakesTheForeignPath() throws Exception {
        String out = child("--add-modules", "jdk.incubator.foreign", "--enable-native-access=ALL-UNNAMED");
        assertTrue(out.contains("transform=FOREIGN_GCM"), out);
        assertTrue(out.contains("round trip OK"), out);
    }

    private static String child(String... jvmArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ForeignGcmFallbackTest.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** The child: which transform a GCM session gets, why, and one protected and unprotected packet. */
    public static void main(String[] args) {
        byte[] key = new byte[16];
        byte[] salt = new byte[12];
        SrtpKeys keys = new SrtpKeys(SrtpProfile.AEAD_AES_128_GCM, key, salt, key, salt);
        SrtpSession.warmUp();
        System.out.println(SrtpSession.RtpTransform.describeBest());
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys)) {
            System.out.println("transform=" + sender.rtpTransform());
            ByteBuf packet = Unpooled.directBuffer(12 + 100 + SrtpSession.MAX_TRAILER).writeZero(112);
            packet.setByte(0, 0x80);
            boolean ok = sender.protectRtp(packet) == SrtpStatus.OK && packet.readableBytes() == 128
                    && receiver.unprotectRtp(packet) == SrtpStatus.OK && packet.readableBytes() == 112
                    && packet.getByte(50) == 0;
            System.out.println(ok ? "round trip OK" : "round trip FAILED");
            packet.release();
        }
    }
}
