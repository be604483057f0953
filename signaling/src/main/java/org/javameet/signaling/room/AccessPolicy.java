package org.javameet.signaling.room;

import java.util.logging.Logger;
import org.javameet.signaling.auth.TokenException;
import org.javameet.signaling.auth.TokenVerifier;
import org.javameet.signaling.auth.VerifiedToken;
import org.javameet.signaling.config.AuthConfig;
import org.javameet.signaling.config.ConfigException;
import org.javameet.signaling.config.ServerConfig;

/**
 * The server-wide rules for joining (config section {@code auth}, and {@code client.enableLobby}): whether
 * a token is needed to join or to create a room, and what a valid token grants. Immutable.
 */
public final class AccessPolicy {
    private static final Logger LOG = Logger.getLogger(AccessPolicy.class.getName());

    /**
     * What a join may do, once its token (if any) was checked.
     *
     * @param tokenExpiresAt when the session must end (the token's {@code exp}); null without a token
     * @param recordingClaim the token's {@code context.features.recording}, or null
     */
    record Admission(String displayName, boolean tokenHolder, boolean moderator, boolean mayCreateRoom,
            java.time.Instant tokenExpiresAt, Boolean recordingClaim) {
    }

    private final AuthConfig.Mode mode;
    private final TokenVerifier verifier;
    private final boolean lobbyForNewRooms;

    /** @param verifier null when no key is configured (only with mode none) */
    public AccessPolicy(AuthConfig.Mode mode, TokenVerifier verifier, boolean lobbyForNewRooms) {
        if (mode != AuthConfig.Mode.NONE && verifier == null) {
            throw new IllegalArgumentException("auth mode " + mode.configName() + " needs a token verifier");
        }
        this.mode = mode;
        this.verifier = verifier;
        this.lobbyForNewRooms = lobbyForNewRooms;
    }

    /** Open to everyone, no lobby: what a server without an {@code auth} section does. */
    public static AccessPolicy open() {
        return new AccessPolicy(AuthConfig.Mode.NONE, null, false);
    }

    /** Reads the key files the config names; {@code sourceName} starts error messages. */
    public static AccessPolicy fromConfig(ServerConfig config, String sourceName) throws ConfigException {
        return new AccessPolicy(config.auth().mode(), TokenVerifier.fromConfig(config.auth(), sourceName),
                config.client().enableLobby());
    }

    boolean lobbyForNewRooms() {
        return lobbyForNewRooms;
    }

    Admission admit(JoinRequest join) throws SignalingException {
        VerifiedToken token = null;
        if (join.jwt() != null && !join.jwt().isEmpty()) {
            if (verifier == null) {
                LOG.fine(() -> "token ignored: no auth key configured");
            } else {
                try {
                    token = verifier.verify(join.jwt(), join.room());
                } catch (TokenException e) {
                    throw new SignalingException("bad-token", e.getMessage());
                }
            }
        }
        if (token == null && mode == AuthConfig.Mode.TOKEN) {
            throw new SignalingException("auth-required", "this server admits only participants with a token"
                    + " (?jwt= in the URL)");
        }
        String name = join.displayName();
        if (token != null && token.displayName() != null && !token.displayName().isBlank()) {
            name = token.displayName().strip();
            if (name.length() > SignalingConnection.MAX_DISPLAY_NAME) {
                name = name.substring(0, SignalingConnection.MAX_DISPLAY_NAME);
            }
        }
        boolean mayCreate = mode != AuthConfig.Mode.TOKEN_CREATE || token != null;
        return new Admission(name, token != null, token != null && token.moderator(), mayCreate,
                token == null ? null : token.expiresAt(), token == null ? null : token.recording());
    }
}
