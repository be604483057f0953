package org.javameet.signaling.auth;

/** A token was refused; {@link #reason()} says why, and the message never contains the token. */
public final class TokenException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a token is refused, each with the words the client shows. */
    public enum Reason {
        MALFORMED("malformed"),
        UNSUPPORTED_ALG("unsupported alg"),
        BAD_SIGNATURE("bad signature"),
        EXPIRED("expired"),
        NOT_YET_VALID("not yet valid"),
        TOO_LONG_LIVED("lifetime too long"),
        WRONG_ROOM("wrong room"),
        WRONG_AUDIENCE("wrong audience"),
        WRONG_ISSUER("wrong issuer");

        private final String words;

        Reason(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    private final Reason reason;

    TokenException(Reason reason, String detail) {
        super("token " + reason.words() + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
