package org.javameet.sfu.srtp;

import java.util.Arrays;
import java.util.Objects;

/**
 * Master keys of one DTLS-SRTP association, split into the direction we send ({@code local*})
 * and the one we receive ({@code remote*}).
 *
 * <p>The arrays are owned by the record; callers must not modify them.
 */
public record SrtpKeys(SrtpProfile profile, byte[] localKey, byte[] localSalt, byte[] remoteKey, byte[] remoteSalt) {

    public SrtpKeys {
        Objects.requireNonNull(profile, "profile");
        checkLength(localKey, profile.keyLength(), "localKey");
        checkLength(remoteKey, profile.keyLength(), "remoteKey");
        checkLength(localSalt, profile.saltLength(), "localSalt");
        checkLength(remoteSalt, profile.saltLength(), "remoteSalt");
    }

    /** Number of bytes to ask the DTLS exporter for (RFC 5764 §4.2): 2 * (key + salt). */
    public static int keyingMaterialLength(SrtpProfile profile) {
        return 2 * (profile.keyLength() + profile.saltLength());
    }

    /**
     * Splits the output of {@code exportKeyingMaterial("EXTRACTOR-dtls_srtp", null, keyingMaterialLength)}.
     * RFC 5764 §4.2 lays it out as
     * <pre>client_write_SRTP_master_key | server_write_SRTP_master_key |
     * client_write_SRTP_master_salt | server_write_SRTP_master_salt</pre>
     * The DTLS server sends with the server_write keys, the client with the client_write keys.
     */
    public static SrtpKeys fromKeyingMaterial(SrtpProfile profile, byte[] material, boolean isDtlsServer) {
        int k = profile.keyLength();
        int s = profile.saltLength();
        if (material.length != 2 * (k + s)) {
            throw new IllegalArgumentException("keying material must be " + 2 * (k + s) + " bytes, got " + material.length);
        }
        byte[] clientKey = Arrays.copyOfRange(material, 0, k);
        byte[] serverKey = Arrays.copyOfRange(material, k, 2 * k);
        byte[] clientSalt = Arrays.copyOfRange(material, 2 * k, 2 * k + s);
        byte[] serverSalt = Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s);
        return isDtlsServer
                ? new SrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt)
                : new SrtpKeys(profile, clientKey, clientSalt, serverKey, serverSalt);
    }

    /** The keys as the other end of the association sees them (local and remote swapped). */
    public SrtpKeys mirror() {
        return new SrtpKeys(profile, remoteKey, remoteSalt, localKey, localSalt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpKeys other
                && profile == other.profile
                && Arrays.equals(localKey, other.localKey)
                && Arrays.equals(localSalt, other.localSalt)
                && Arrays.equals(remoteKey, other.remoteKey)
                && Arrays.equals(remoteSalt, other.remoteSalt);
    }

    @Override
    public int hashCode() {
        int h = profile.hashCode();
        h = 31 * h + Arrays.hashCode(localKey);
        h = 31 * h + Arrays.hashCode(localSalt);
        h = 31 * h + Arrays.hashCode(remoteKey);
        return 31 * h + Arrays.hashCode(remoteSalt);
    }

    /** Never prints key bytes. */
    @Override
    public String toString() {
        return "SrtpKeys[" + profile + "]";
    }

    private static void checkLength(byte[] b, int expected, String name) {
        Objects.requireNonNull(b, name);
        if (b.length != expected) {
            throw new IllegalArgumentException(name + " must be " + expected + " bytes, got " + b.length);
        }
    }
}
