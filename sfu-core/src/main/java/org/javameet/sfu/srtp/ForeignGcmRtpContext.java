package org.javameet.sfu.srtp;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import jdk.incubator.foreign.MemorySegment;

/**
 * SRTP AEAD_AES_128_GCM (RFC 7714) of one RTP stream in one direction, on the packet's own memory: OpenSSL
 * through the foreign linker ({@link ForeignGcm}), one native cipher context per stream, nothing allocated or
 * copied per packet. Same index and replay rules as {@link GcmRtpContext}, which it replaces where
 * {@link #available()}: an opt-in, by starting the JVM with {@code --add-modules jdk.incubator.foreign
 * --enable-native-access=ALL-UNNAMED} (sfu-core's tests do), on JDK 17, with libcrypto.
 *
 * <p>Why opt-in (docs/performance.md, "SRTP through the foreign linker"): compiled by C2 it is ~1.15 x OpenSSL's own
 * cost per packet where the JNI path is ~1.6 x, but until C2 has compiled a call site (at start, and again for
 * seconds after any deoptimisation) JDK 17's linker takes a generic path that costs 15–100 us and ~200 B per call,
 * and a media loop meets that at random times. The JNI path has no such cliff.
 *
 * <p>One thread at a time (a direction of an {@link SrtpSession}). The native context is freed by
 * {@link #wipe()}, or by a cleaner if a session is dropped without being closed.
 */
final class ForeignGcmRtpContext {
    static final int TAG_LENGTH = ForeignGcm.TAG_LENGTH;
    private static final Cleaner CLEANER = Cleaner.create();
    /** Where the linker's ABI passes a pointer as a 64-bit integer (see {@link ForeignGcm}). */
    private static final Set<String> ARCHITECTURES = Set.of("amd64", "x86_64", "aarch64");
    /** Null where the foreign path works; else why not, for the start-up log. Last: {@link #probe()} uses the above. */
    private static final String UNAVAILABLE = probe();

    private final int ssrc;
    private final RtpIndex index = new RtpIndex();
    private final byte[] salt;
    private final byte[] iv = new byte[ForeignGcm.IV_LENGTH];
    /** Native memory for OpenSSL's side of a call: the IV, then its output length. */
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(ForeignGcm.KEY_LENGTH + 4);
    private final long scratchAddress = addressOf(scratch);
    private final NativeContext nativeContext;
    private final Cleaner.Cleanable cleanable;
    private int length;

    /** Whether this JVM can run these contexts; {@link #unavailableReason()} says why not. */
    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why {@link #available()} is false (null when it is true). */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** The native address of a direct buffer's first byte (only when {@link #available()}). */
    static long addressOf(ByteBuffer direct) {
        return MemorySegment.ofByteBuffer(direct).address().toRawLongValue();
    }

    /** Where libcrypto was found (only when {@link #available()}). */
    static String library() {
        return ForeignGcm.LIBRARY;
    }

    static ForeignGcmRtpContext derive(boolean sender, int ssrc, byte[] masterKey, byte[] masterSalt)
            throws GeneralSecurityException {
        return SessionKeyDerivation.withRtpSessionKeys(masterKey, masterSalt, ForeignGcm.IV_LENGTH,
                (key, salt) -> new ForeignGcmRtpContext(sender, ssrc, key, salt));
    }

    /** A context from session keys directly (RFC 7714 §16's vectors are given so). */
    ForeignGcmRtpContext(boolean sender, int ssrc, byte[] sessionKey, byte[] sessionSalt)
            throws GeneralSecurityException {
        if (!available()) {
            throw new IllegalStateException("SRTP through the foreign linker is unavailable: " + UNAVAILABLE);
        }
        if (sessionKey.length != ForeignGcm.KEY_LENGTH || sessionSalt.length != ForeignGcm.IV_LENGTH) {
            throw new IllegalArgumentException("AES-128-GCM needs a 16-byte key and a 12-byte salt");
        }
        this.ssrc = ssrc;
        this.salt = sessionSalt.clone();
        scratch.put(0, sessionKey);
        long ctx;
        try {
            ctx = ForeignGcm.newContext(sender, scratchAddress);
        } finally {
            scratch.put(0, new byte[ForeignGcm.KEY_LENGTH]);
        }
        if (ctx == 0) {
            throw new GeneralSecurityException("OpenSSL refused an AES-128-GCM context");
        }
        this.nativeContext = new NativeContext(ctx);
        this.cleanable = CLEANER.register(this, nativeContext);
    }

    /**
     * Encrypts the {@code length} bytes at {@code packet} after the header in place and appends the tag. The caller
     * guarantees {@code room} bytes of the packet's buffer at {@code packet}.
     */
    SrtpStatus protect(long packet, int seq, int length, int headerLength, int room) {
        if (headerLength > length || length + TAG_LENGTH > room) {
            return SrtpStatus.FAILED;
        }
        long idx = index.estimate(seq);
        setIv(seq);
        if (!ForeignGcm.encrypt(nativeContext.ctx, scratchAddress, packet, headerLength, length)) {
            return SrtpStatus.FAILED;
        }
        index.update(seq, idx);
        this.length = length + TAG_LENGTH;
        return SrtpStatus.OK;
    }

    /** Replay-checks, authenticates and decrypts the {@code length} bytes at {@code packet} in place. */
    SrtpStatus unprotect(long packet, int seq, int length, int headerLength) {
        if (headerLength + TAG_LENGTH > length) {
            return SrtpStatus.TOO_SHORT;
        }
        long idx = index.estimate(seq);
        SrtpStatus status = index.checkReplay(idx);
        if (status == SrtpStatus.OK) {
            setIv(seq);
            if (ForeignGcm.decrypt(nativeContext.ctx, scratchAddress, packet, headerLength, length)) {
                index.update(seq, idx);
                this.length = length - TAG_LENGTH;
            } else {
                status = SrtpStatus.AUTH_FAILED;
            }
        }
        if (status != SrtpStatus.OK) {
            index.forgetStart();
        }
        return status;
    }

    /** The packet length after the last successful {@link #protect} or {@link #unprotect}. */
    int length() {
        return length;
    }

    /** Frees the native context (OpenSSL cleanses the key schedule) and forgets the salt. Idempotent. */
    void wipe() {
        Arrays.fill(salt, (byte) 0);
        cleanable.clean();
    }

    private void setIv(int seq) {
        GcmRtpContext.writeIv(iv, salt, ssrc, index.guessedRoc(), seq);
        scratch.put(0, iv);
    }

    /** The native cipher context, freed once: by {@link #wipe()} or when the context is unreachable. */
    private static final class NativeContext implements Runnable {
        final long ctx;

        NativeContext(long ctx) {
            this.ctx = ctx;
        }

        @Override
        public void run() {
            ForeignGcm.freeContext(ctx);
        }
    }

    /**
     * Whether the foreign path works here, proven by encrypting and decrypting one packet against the JDK's own
     * AES-GCM: a wrong ABI or library shows up now, at start-up, not as garbled media.
     */
    private static String probe() {
        if ("false".equalsIgnoreCase(System.getProperty("javameet.srtp.foreign"))) {
            return "turned off with -Djavameet.srtp.foreign=false";
        }
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!ARCHITECTURES.contains(arch)) {
            return "not supported on " + arch;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.foreign").isEmpty()) {
            return "not opted in (JVM flags --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED)";
        }
        try {
            Class.forName(ForeignGcm.class.getName(), true, ForeignGcm.class.getClassLoader());
        } catch (ExceptionInInitializerError e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalCallerException) {
                return "native access is not enabled (--enable-native-access=ALL-UNNAMED)";
            }
            return "OpenSSL's libcrypto did not load: " + cause;
        } catch (LinkageError | ClassNotFoundException e) {
            return "OpenSSL's libcrypto did not load: " + e;
        }
        try {
            return selfTest();
        } catch (GeneralSecurityException | RuntimeException e) {
            return "the self-test failed: " + e;
        }
    }

    private static String selfTest() throws GeneralSecurityException {
        byte[] key = new byte[ForeignGcm.KEY_LENGTH];
        byte[] salt = new byte[ForeignGcm.IV_LENGTH];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (0x11 * i);
        }
        salt[3] = 0x5a;
        int ssrc = 0x12345678;
        int seq = 0x4321;
        byte[] plain = new byte[12 + 100];
        plain[0] = (byte) 0x80;
        plain[2] = (byte) (seq >>> 8);
        plain[3] = (byte) seq;
        for (int i = 12; i < plain.length; i++) {
            plain[i] = (byte) i;
        }
        byte[] iv = new byte[ForeignGcm.IV_LENGTH];
        GcmRtpContext.writeIv(iv, salt, ssrc, 0, seq);
        Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
        jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        jdk.updateAAD(plain, 0, 12);
        byte[] expected = Arrays.copyOf(plain, plain.length + TAG_LENGTH);
        jdk.doFinal(plain, 12, plain.length - 12, expected, 12);

        ByteBuffer packet = ByteBuffer.allocateDirect(plain.length + TAG_LENGTH);
        long address = addressOf(packet);
        packet.put(0, plain);
        ForeignGcmRtpContext sender = new ForeignGcmRtpContext(true, ssrc, key, salt);
        ForeignGcmRtpContext receiver = new ForeignGcmRtpContext(false, ssrc, key, salt);
        try {
            if (sender.protect(address, seq, plain.length, 12, packet.capacity()) != SrtpStatus.OK) {
                return "the self-test's encryption failed";
            }
            byte[] got = new byte[expected.length];
            packet.get(0, got);
            if (!Arrays.equals(got, expected)) {
                return "the self-test's ciphertext differs from the JDK's AES-GCM";
            }
            if (receiver.unprotect(address, seq, expected.length, 12) != SrtpStatus.OK) {
                return "the self-test's decryption failed";
            }
            packet.get(0, got, 0, plain.length);
            if (!Arrays.equals(Arrays.copyOf(got, plain.length), plain)) {
                return "the self-test's decryption gave other bytes";
            }
            return null;
        } finally {
            sender.wipe();
            receiver.wipe();
        }
    }
}
