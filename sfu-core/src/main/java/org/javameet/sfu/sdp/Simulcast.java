package org.javameet.sfu.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The send side of an m-section's simulcast (RFC 8853 {@code a=simulcast}) with its RTP stream ids (RFC 8851
 * {@code a=rid}):
 * <pre>
 * a=rid:r0 send
 * a=rid:r1 send
 * a=rid:r2 send
 * a=simulcast:send r0;r1;r2
 * </pre>
 * The rids are in the offerer's order, which for browsers is the order of {@code sendEncodings}; javameet's
 * clients list them from the lowest resolution to the highest, as mediasoup also assumes. A rid paused with
 * {@code ~} is still a layer (it may start later); of alternatives ({@code a,b}) the first is taken.
 *
 * @param rids the layers, lowest first
 */
public record Simulcast(List<String> rids) {
    /** RFC 8851 §10: rid-id = 1*(alpha-numeric / "-" / "_"); 16 bytes is what a one-byte header extension holds. */
    private static final Pattern RID = Pattern.compile("[A-Za-z0-9_-]{1,16}");

    /**
     * The section's send simulcast, or null when it has no {@code a=simulcast} with a send direction.
     *
     * @throws SdpException naming the fault: a malformed rid, a layer without its {@code a=rid:<id> send}
     *                      line, a rid listed twice
     */
    public static Simulcast of(MediaDescription m) throws SdpException {
        String value = m.attribute("simulcast");
        if (value == null) {
            return null;
        }
        String sendList = sendList(value.trim());
        if (sendList == null) {
            return null; // recv-only simulcast: nothing the publisher sends
        }
        Set<String> declared = new HashSet<>();
        for (String rid : m.attributes("rid")) {
            String[] p = rid.trim().split("\\s+");
            if (p.length >= 2 && p[1].equals("send")) {
                declared.add(p[0]);
            }
        }
        List<String> rids = new ArrayList<>();
        for (String layer : sendList.split(";")) {
            String first = layer.split(",")[0].trim();
            String id = first.startsWith("~") ? first.substring(1) : first;
            if (!RID.matcher(id).matches()) {
                throw new SdpException("a=simulcast: malformed rid '" + id + "' (1 to 16 of A-Z a-z 0-9 - _)");
            }
            if (!declared.contains(id)) {
                throw new SdpException("a=simulcast names rid '" + id + "' without an a=rid:" + id + " send line");
            }
            if (rids.contains(id)) {
                throw new SdpException("a=simulcast names rid '" + id + "' twice");
            }
            rids.add(id);
        }
        return new Simulcast(List.copyOf(rids));
    }

    /** "send r0;r1 recv r2" → "r0;r1"; null without a send direction. */
    private static String sendList(String value) {
        String[] p = value.split("\\s+");
        for (int i = 0; i + 1 < p.length; i += 2) {
            if (p[i].equals("send")) {
                return p[i + 1];
            }
        }
        return null;
    }

    /** The answer's lines for these layers: {@code a=rid:<id> recv} each, then {@code a=simulcast:recv ...}. */
    public void writeAnswerTo(MediaDescription out) {
        for (String rid : rids) {
            out.add("rid", rid + " recv");
        }
        out.add("simulcast", "recv " + String.join(";", rids));
    }
}
