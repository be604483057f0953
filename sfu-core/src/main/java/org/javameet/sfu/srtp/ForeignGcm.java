package org.javameet.sfu.srtp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.List;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemoryLayout;
import jdk.incubator.foreign.ResourceScope;

/**
 * OpenSSL's AES-128-GCM ({@code EVP_*}) called through JDK 17's incubating foreign linker, on raw addresses:
 * one {@code EVP_CIPHER_CTX} per stream keeps its key schedule, and a packet costs five native calls over its own
 * memory, with no JNI binding, no JCE dispatch and no copy (docs/performance.md, "SRTP through the foreign
 * linker"). Only {@link ForeignGcmRtpContext} uses it, and only after {@link ForeignGcmRtpContext#available()}.
 *
 * <p>Pointers are passed as {@code long} in 64-bit integer slots ({@code C_LONG_LONG}): on the ABIs the JDK's
 * linker supports (x86-64 SysV and Windows, AArch64) a pointer argument travels exactly so, and it spares a
 * {@code MemoryAddress} per argument per packet. Every address and length handed to OpenSSL here is checked by
 * the caller against the packet's buffer first; OpenSSL itself cannot check them.
 */
final class ForeignGcm {
    static final int KEY_LENGTH = 16;
    static final int IV_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    /** openssl/evp.h: EVP_CTRL_AEAD_SET_IVLEN, EVP_CTRL_AEAD_GET_TAG, EVP_CTRL_AEAD_SET_TAG. */
    private static final int CTRL_SET_IVLEN = 0x9;
    private static final int CTRL_GET_TAG = 0x10;
    private static final int CTRL_SET_TAG = 0x11;
    private static final int RTLD_NOW = 2;

    /** libcrypto's file names tried in order when {@code javameet.srtp.libcrypto} does not name one. */
    static final List<String> LIBRARY_NAMES = List.of("libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so");

    private static final MethodHandle CTX_NEW;
    private static final MethodHandle CTX_FREE;
    private static final MethodHandle AES_128_GCM;
    private static final MethodHandle ENCRYPT_INIT;
    private static final MethodHandle ENCRYPT_UPDATE;
    private static final MethodHandle ENCRYPT_FINAL;
    private static final MethodHandle DECRYPT_INIT;
    private static final MethodHandle DECRYPT_UPDATE;
    private static final MethodHandle DECRYPT_FINAL;
    private static final MethodHandle CTX_CTRL;
    /** Where libcrypto was found, for the start-up log. */
    static final String LIBRARY;

    static {
        CLinker linker = CLinker.getInstance();
        MethodHandle dlopen = downcall(linker, libc("dlopen"), MemoryAddress.class, MemoryAddress.class, int.class);
        MethodHandle dlsym = downcall(linker, libc("dlsym"), MemoryAddress.class, MemoryAddress.class,
                MemoryAddress.class);
        String configured = System.getProperty("javameet.srtp.libcrypto");
        List<String> names = configured != null && !configured.isBlank() ? List.of(configured) : LIBRARY_NAMES;
        MemoryAddress library = MemoryAddress.NULL;
        String found = null;
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            for (String name : names) {
                library = (MemoryAddress) dlopen.invokeExact(CLinker.toCString(name, scope).address(), RTLD_NOW);
                if (!library.equals(MemoryAddress.NULL)) {
                    found = name;
                    break;
                }
            }
            if (found == null) {
                throw new UnsatisfiedLinkError("libcrypto not found (tried " + String.join(", ", names) + ")");
            }
            LIBRARY = found;
            CTX_NEW = fn(linker, dlsym, library, scope, "EVP_CIPHER_CTX_new", long.class);
            CTX_FREE = fn(linker, dlsym, library, scope, "EVP_CIPHER_CTX_free", void.class, long.class);
            AES_128_GCM = fn(linker, dlsym, library, scope, "EVP_aes_128_gcm", long.class);
            ENCRYPT_INIT = fn(linker, dlsym, library, scope, "EVP_EncryptInit_ex", int.class,
                    long.class, long.class, long.class, long.class, long.class);
            DECRYPT_INIT = fn(linker, dlsym, library, scope, "EVP_DecryptInit_ex", int.class,
                    long.class, long.class, long.class, long.class, long.class);
            ENCRYPT_UPDATE = fn(linker, dlsym, library, scope, "EVP_EncryptUpdate", int.class,
                    long.class, long.class, long.class, long.class, int.class);
            DECRYPT_UPDATE = fn(linker, dlsym, library, scope, "EVP_DecryptUpdate", int.class,
                    long.class, long.class, long.class, long.class, int.class);
            ENCRYPT_FINAL = fn(linker, dlsym, library, scope, "EVP_EncryptFinal_ex", int.class,
                    long.class, long.class, long.class);
            DECRYPT_FINAL = fn(linker, dlsym, library, scope, "EVP_DecryptFinal_ex", int.class,
                    long.class, long.class, long.class);
            CTX_CTRL = fn(linker, dlsym, library, scope, "EVP_CIPHER_CTX_ctrl", int.class,
                    long.class, int.class, int.class, long.class);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ForeignGcm() {
    }

    /**
     * A new cipher context for one stream and direction, keyed with the 16 bytes at {@code key} (native memory;
     * the caller wipes them afterwards: the context keeps its own schedule). Zero if OpenSSL refused.
     */
    static long newContext(boolean encrypt, long key) {
        try {
            long ctx = (long) CTX_NEW.invokeExact();
            if (ctx == 0) {
                return 0;
            }
            long cipher = (long) AES_128_GCM.invokeExact();
            boolean ok = encrypt
                    ? (int) ENCRYPT_INIT.invokeExact(ctx, cipher, 0L, 0L, 0L) == 1
                    : (int) DECRYPT_INIT.invokeExact(ctx, cipher, 0L, 0L, 0L) == 1;
            ok = ok && (int) CTX_CTRL.invokeExact(ctx, CTRL_SET_IVLEN, IV_LENGTH, 0L) == 1;
            ok = ok && (encrypt
                    ? (int) ENCRYPT_INIT.invokeExact(ctx, 0L, 0L, key, 0L) == 1
                    : (int) DECRYPT_INIT.invokeExact(ctx, 0L, 0L, key, 0L) == 1);
            if (!ok) {
                freeContext(ctx);
                return 0;
            }
            return ctx;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Frees a context (OpenSSL cleanses its key schedule first). */
    static void freeContext(long ctx) {
        try {
            CTX_FREE.invokeExact(ctx);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * Encrypts {@code [packet + headerLength, packet + length)} in place with the header as AAD, and writes the
     * tag at {@code packet + length}: the caller guarantees {@code length + TAG_LENGTH} bytes at {@code packet}.
     * {@code scratch} holds the IV (12 bytes) and 4 more for OpenSSL's output length.
     */
    static boolean encrypt(long ctx, long scratch, long packet, int headerLength, int length) {
        try {
            long outLength = scratch + IV_LENGTH;
            long payload = packet + headerLength;
            return (int) ENCRYPT_INIT.invokeExact(ctx, 0L, 0L, 0L, scratch) == 1
                    && (int) ENCRYPT_UPDATE.invokeExact(ctx, 0L, outLength, packet, headerLength) == 1
                    && (int) ENCRYPT_UPDATE.invokeExact(ctx, payload, outLength, payload, length - headerLength) == 1
                    && (int) ENCRYPT_FINAL.invokeExact(ctx, packet + length, outLength) == 1
                    && (int) CTX_CTRL.invokeExact(ctx, CTRL_GET_TAG, TAG_LENGTH, packet + length) == 1;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * Checks the tag at {@code packet + length - TAG_LENGTH} and decrypts in place the bytes between the header
     * and the tag; false if the tag does not match (the payload bytes are then unspecified).
     */
    static boolean decrypt(long ctx, long scratch, long packet, int headerLength, int length) {
        try {
            long outLength = scratch + IV_LENGTH;
            long payload = packet + headerLength;
            long tag = packet + length - TAG_LENGTH;
            // The next packet's init resets the context, so a step that fails needs no clean-up here.
            return (int) DECRYPT_INIT.invokeExact(ctx, 0L, 0L, 0L, scratch) == 1
                    && (int) DECRYPT_UPDATE.invokeExact(ctx, 0L, outLength, packet, headerLength) == 1
                    && (int) DECRYPT_UPDATE.invokeExact(ctx, payload, outLength, payload,
                            length - TAG_LENGTH - headerLength) == 1
                    && (int) CTX_CTRL.invokeExact(ctx, CTRL_SET_TAG, TAG_LENGTH, tag) == 1
                    && (int) DECRYPT_FINAL.invokeExact(ctx, tag, outLength) == 1; // compares the tag
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static MethodHandle fn(CLinker linker, MethodHandle dlsym, MemoryAddress library, ResourceScope scope,
            String name, Class<?> ret, Class<?>... params) throws Throwable {
        MemoryAddress symbol = (MemoryAddress) dlsym.invokeExact(library, CLinker.toCString(name, scope).address());
        if (symbol.equals(MemoryAddress.NULL)) {
            throw new UnsatisfiedLinkError(name + " not found in libcrypto");
        }
        return downcall(linker, symbol, ret, params);
    }

    private static MemoryAddress libc(String name) {
        return CLinker.systemLookup().lookup(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the C library"));
    }

    /** A handle for the C function at {@code symbol}; each Java type stands for one C type ({@link #layout}). */
    private static MethodHandle downcall(CLinker linker, MemoryAddress symbol, Class<?> ret, Class<?>... params) {
        MemoryLayout[] layouts = new MemoryLayout[params.length];
        for (int i = 0; i < params.length; i++) {
            layouts[i] = layout(params[i]);
        }
        FunctionDescriptor descriptor = ret == void.class
                ? FunctionDescriptor.ofVoid(layouts)
                : FunctionDescriptor.of(layout(ret), layouts);
        return linker.downcallHandle(symbol, MethodType.methodType(ret, params), descriptor);
    }

    /** int: C int; MemoryAddress: a pointer the JDK carries; long: a pointer (or 64-bit integer) as a raw address. */
    private static MemoryLayout layout(Class<?> type) {
        return type == int.class ? CLinker.C_INT : type == MemoryAddress.class ? CLinker.C_POINTER : CLinker.C_LONG_LONG;
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(e);
    }
}
