package org.javameet.signaling.room;

import java.util.function.Consumer;
import java.util.logging.Logger;
import org.javameet.signaling.http.WebSocketSession;

/**
 * A room's reconnect grace (docs/protocol.md, "Resuming"): a participant whose signaling socket dropped, or whose
 * media transport closed, stays in the meeting, shown "reconnecting", until they resume on a new socket with their
 * token or the grace period ends and they are removed. Part of its {@link Room}: guarded by the room's monitor,
 * which every method here takes.
 */
final class ReconnectGrace {
    private static final Logger LOG = Logger.getLogger(ReconnectGrace.class.getName());

    /** WebSocket close status for a participant removed because they did not come back in time. */
    static final int CLOSE_REMOVED = 4004;
    /** WebSocket close status for a connection whose participant resumed on another one. */
    static final int CLOSE_RESUMED = 4005;

    private final Room room;
    private final ResumeTokens tokens;
    private final RoomMedia media;

    ReconnectGrace(Room room, ResumeTokens tokens, RoomMedia media) {
        this.room = room;
        this.tokens = tokens;
        this.media = media;
    }

    /**
     * The participant's socket closed without {@code leave}: they stay (their media too, if it can) and others see
     * them "reconnecting" until they {@link #resume} or the grace period ends. A socket that a resume already
     * replaced changes nothing.
     */
    void disconnected(Participant p, WebSocketSession session) {
        synchronized (room) {
            if (room.participant(p.id()) != p || p.session() != session) {
                return;
            }
            LOG.info(() -> "room " + room.name() + ": " + p + ": signaling connection lost, kept for "
                    + tokens.grace().toSeconds() + " s");
            markReconnecting(p, "resume_expired");
        }
    }

    /**
     * One of the participant's media transports closed (reported off the media loop: this takes the room's lock): a live
     * client leaves and joins anew at once; one that is gone is removed after the grace period.
     */
    void mediaFailed(String participantId, String transportId, String reason) {
        synchronized (room) {
            Participant p = room.participant(participantId);
            if (p == null) {
                return;
            }
            LOG.info(() -> "room " + room.name() + ": " + p + ": media transport " + transportId + " closed: "
                    + reason);
            p.mediaFailure(reason);
            p.send(Messages.error("media-failed", "media connection closed: " + reason, null, null));
            markReconnecting(p, reason.startsWith("ICE consent expired") ? "consent_expired" : "media_failed");
        }
    }

    private void markReconnecting(Participant p, String removalReason) {
        if (!p.reconnecting()) {
            p.reconnecting(true);
            room.announceUpdate(p);
        }
        if (!p.removalScheduled()) {
            p.scheduleRemoval(tokens.afterGrace(() -> removalDue(p)), removalReason);
        }
    }

    private void removalDue(Participant p) {
        synchronized (room) {
            if (room.participant(p.id()) != p || !p.removalScheduled()) {
                return;
            }
            String label = p.removalReason();
            LOG.info(() -> "room " + room.name() + ": " + p + " did not come back within " + tokens.grace().toSeconds()
                    + " s (" + label + ")");
            if (p.session().isOpen()) {
                p.session().close(CLOSE_REMOVED, label);
            }
            room.remove(p, "disconnected", label);
        }
    }

    /**
     * Takes a participant over on a new connection with its (one-use) token: same id, role, hand, tracks and media.
     * They are sent {@code resumed} and the room state, and a fresh subscribe offer; the old socket, if still open,
     * is closed. Throws {@code resume-failed} if they were removed meanwhile.
     */
    void resume(Participant p, WebSocketSession session, Consumer<Participant> bind) throws SignalingException {
        synchronized (room) {
            if (room.isClosed() || room.participant(p.id()) != p) {
                throw new SignalingException("resume-failed", "the participant was removed; join again");
            }
            WebSocketSession old = p.session();
            p.session(session);
            boolean mediaLost = p.mediaFailure() != null;
            if (!mediaLost) {
                p.cancelRemoval();
                p.reconnecting(false);
            }
            bind.accept(p);
            p.send(room.welcomeBack("resumed", p, tokens.issue(p)));
            p.send(room.roomUpdated());
            if (p.moderator()) {
                room.sendLobbyRequests(p);
            }
            room.announceUpdate(p);
            if (mediaLost) {
                // its transports are gone: the client leaves and joins anew
                p.send(Messages.error("media-failed", "media connection closed: " + p.mediaFailure(), null, null));
            } else {
                media.resumed(p);
            }
            if (old != session && old.isOpen()) {
                old.close(CLOSE_RESUMED, "resumed on another connection");
            }
            LOG.info(() -> "room " + room.name() + ": " + p + " resumed");
        }
    }
}
