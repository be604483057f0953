package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.logging.Logger;

/**
 * The moderator-only requests of one room (docs/protocol.md, "Meeting features"). Each one first checks that
 * the sender is still in the room and is a moderator ({@code not-moderator} otherwise, and nothing changes),
 * then works on the room's state under the room's monitor.
 */
final class Moderation {
    private static final Logger LOG = Logger.getLogger(Moderation.class.getName());
    /** WebSocket close status for a kicked participant. */
    static final int CLOSE_KICKED = 4001;

    private final Room room;

    Moderation(Room room) {
        this.room = room;
    }

    /** {@code kind} is "audio" or "video"; the target is asked to mute and shown muted to everyone. */
    void mute(Participant by, String targetId, String kind) throws SignalingException {
        synchronized (room) {
            requireModerator(by);
            mute(by, room.member(targetId), kind);
        }
    }

    void muteAll(Participant by, String kind) throws SignalingException {
        synchronized (room) {
            requireModerator(by);
            for (Participant p : List.copyOf(room.members())) {
                if (p != by) {
                    mute(by, p, kind);
                }
            }
        }
    }

    private void mute(Participant by, Participant target, String kind) {
        ObjectNode request = Messages.message("muteRequest");
        request.put("kind", kind);
        request.put("by", by.id());
        target.send(request);
        boolean audio = kind.equals("audio");
        if (audio ? !target.audioMuted() : !target.videoMuted()) {
            if (audio) {
                target.audioMuted(true);
            } else {
                target.videoMuted(true);
            }
            room.announceUpdate(target);
        }
    }

    /** The target gets {@code kicked}, leaves as on a leave (media torn down, others told "kicked"), and its socket closes. */
    void kick(Participant by, String targetId) throws SignalingException {
        synchronized (room) {
            requireModerator(by);
            Participant target = room.member(targetId);
            if (target == by) {
                throw new SignalingException("bad-message", "a moderator cannot kick themselves: send leave");
            }
            ObjectNode kicked = Messages.message("kicked");
            kicked.put("by", by.id());
            kicked.put("reason", "kicked");
            target.send(kicked);
            room.leave(target, "kicked");
            target.session().close(CLOSE_KICKED, "kicked");
            LOG.info(() -> "room " + room.name() + ": " + target + " kicked by " + by);
        }
    }

    /** Null removes the password. */
    void setPassword(Participant by, String password) throws SignalingException {
        synchronized (room) {
            requireModerator(by);
            room.password().set(password);
            room.broadcast(room.roomUpdated(), null);
            LOG.info(() -> "room " + room.name() + ": password " + (password == null ? "removed" : "set") + " by " + by);
        }
    }

    /** Turning the lobby off lets everyone waiting in, as if admitted by {@code by}. */
    void setLobby(Participant by, boolean enabled) throws SignalingException {
        synchronized (room) {
            requireModerator(by);
            Lobby lobby = room.lobby();
            if (lobby.enabled() == enabled) {
                return;
            }
            lobby.enabled(enabled);
            room.broadcast(room.roomUpdated(), null);
            if (!enabled) {
                for (Lobby.Waiter w : lobby.takeAll()) {
                    room.admit(w, by);
                }
            }
        }
    }

    void lobbyDecision(Participant by, String requestId, boolean admit) throws SignalingException {
        synchronized (room) {
            requireModerator(by);
            Lobby.Waiter w = room.lobby().take(requestId);
            if (w == null) {
                throw new SignalingException("unknown-request", "no one waits in the lobby with request "
                        + (requestId.length() > 40 ? requestId.substring(0, 40) + "…" : requestId)
                        + " (already decided, or they left)");
            }
            if (admit) {
                room.admit(w, by);
            } else {
                Lobby.deny(w, "a moderator did not let you in");
                room.toModerators(Lobby.resolved(w, false, by));
            }
        }
    }

    void grantModerator(Participant by, String targetId) throws SignalingException {
        synchronized (room) {
            requireModerator(by);
            room.makeModerator(room.member(targetId));
        }
    }

    private void requireModerator(Participant p) throws SignalingException {
        room.requireMember(p);
        if (!p.moderator()) {
            throw new SignalingException("not-moderator", "only a moderator may do this");
        }
    }
}
