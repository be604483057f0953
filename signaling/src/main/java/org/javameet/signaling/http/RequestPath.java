package org.javameet.signaling.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The path of a request target, percent-decoded into segments.
 *
 * <p>A path is refused (400) when it does not start with {@code /}, has a bad escape or invalid UTF-8, or a
 * segment that decodes to {@code .}, {@code ..}, or contains {@code /}, {@code \} or a control character. So
 * {@code /../x}, {@code /%2e%2e/x} and {@code /a/%2F..} never reach a file lookup. Empty segments ({@code //},
 * a trailing slash) are kept: they simply match nothing.
 */
final class RequestPath {

    /** Room names as the protocol defines them ({@code bad-room}). */
    static final Pattern ROOM = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

    private RequestPath() {}

    /** The request target's path (query and fragment cut off), decoded; empty if it must be refused. */
    static Optional<List<String>> segments(String requestTarget) {
        String path = requestTarget;
        int cut = indexOfAny(path, '?', '#');
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        if (!path.startsWith("/")) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        if (path.length() == 1) {
            return Optional.of(out);
        }
        for (String raw : path.substring(1).split("/", -1)) {
            String s = decode(raw);
            if (s == null || s.equals(".") || s.equals("..") || !clean(s)) {
                return Optional.empty();
            }
            out.add(s);
        }
        return Optional.of(List.copyOf(out));
    }

    /** Whether a single decoded segment may name a room (and so be answered with the client's index page). */
    static boolean isRoom(String segment) {
        return ROOM.matcher(segment).matches() && !segment.equals(".") && !segment.equals("..");
    }

    private static boolean clean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Strict percent-decoding ({@code +} stays a plus, as in any path); null when malformed. */
    private static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return null; // HTTP request targets are ASCII
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }
}
