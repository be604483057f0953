package org.javameet.bench.jmh;

import org.javameet.sfu.srtp.SrtpSession;
import org.jitsi.srtp.crypto.Aes;

/** SRTP set-up shared by the benchmarks that encrypt. */
final class Crypto {
    private Crypto() {
    }

    /**
     * Picks jitsi-srtp's AES implementation, then pays its start-up cost. Left alone, jitsi-srtp times
     * OpenSSL, SunJCE and BouncyCastle once at first use and keeps the fastest; on a busy machine the AES-CTR
     * race between OpenSSL and SunJCE goes either way from one JVM to the next, and the two differ in cost
     * and in allocation, so an unpinned run mixes them. {@code "auto"} keeps jitsi-srtp's own choice.
     *
     * @param aes a jitsi-srtp cipher factory name ({@code OpenSSL}, {@code SunJCE}, {@code BouncyCastle}) or {@code auto}
     */
    static void setUp(String aes) {
        if (!"auto".equals(aes)) {
            Aes.setFactoryClassName(aes);
        }
        SrtpSession.warmUp();
    }
}
