package org.javameet.bench.jmh;

import org.javameet.sfu.srtp.SrtpProfile;
import org.javameet.sfu.srtp.SrtpSession;
import org.openjdk.jmh.annotations.Param;

/** The parameters of every benchmark that puts one packet shape through SRTP: profile, AES back-end, shape. */
public abstract class SrtpPacketBench extends Bench {
    @Param({"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
    public SrtpProfile profile;

    /** jitsi-srtp's AES implementation, see {@link Crypto#setUp}. */
    @Param({"OpenSSL"})
    public String aes;

    @Param({"VIDEO", "AUDIO"})
    public PacketShape packet;

    /**
     * What runs SRTP of RTP packets: OpenSSL through the foreign linker (what the server uses for AES-GCM; with
     * AES-CM keys a session falls back to the reused contexts), javameet's reused contexts over jitsi-srtp's OpenSSL
     * binding, or jitsi-srtp's own transform, for comparison.
     */
    @Param({"FOREIGN_GCM", "REUSED_CONTEXTS", "JITSI_SRTP"})
    public SrtpSession.RtpTransform rtpTransform;
}
