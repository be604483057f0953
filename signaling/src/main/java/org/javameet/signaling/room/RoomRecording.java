package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.sfu.session.MediaRoom;
import org.javameet.sfu.session.RecordingFailure;
import org.javameet.signaling.recording.RecordingException;
import org.javameet.signaling.recording.Recordings;

/**
 * A meeting's recording (docs/protocol.md, "Recording"): who may start and stop it, the names it keeps for the
 * manifest, and what everyone is told. Part of its {@link Room}: guarded by the room's monitor. The signaling
 * entry points take it; the recorder and finalize threads' callbacks take it too; the rest is called with it held.
 */
final class RoomRecording {
    private static final Logger LOG = Logger.getLogger(RoomRecording.class.getName());

    private final Room room;
    private final MediaRoom media;
    private final Recordings recordings;
    /** The recording running now, or null. */
    private Active active;

    /** The recording running now: its place, who started it, and everyone's name while it ran (for the manifest). */
    private static final class Active {
        final Recordings.Slot slot;
        final String startedBy;
        final long startedAtMs = System.currentTimeMillis();
        final Map<String, String> names = new LinkedHashMap<>();

        Active(Recordings.Slot slot, String startedBy) {
            this.slot = slot;
            this.startedBy = startedBy;
        }
    }

    RoomRecording(Room room, MediaRoom media, Recordings recordings) {
        this.room = room;
        this.media = media;
        this.recordings = recordings;
    }

    /**
     * Starts recording every track of the meeting. Who may: with a token carrying {@code context.features.recording},
     * that claim decides; otherwise moderators.
     */
    void start(Participant by) throws SignalingException {
        synchronized (room) {
            requireMayRecord(by);
            if (active != null) {
                throw new SignalingException("already-recording", "this meeting is already being recorded");
            }
            Recordings.Slot slot;
            try {
                slot = recordings.reserve(room.name());
            } catch (RecordingException e) {
                throw new SignalingException(e.code(), e.getMessage());
            }
            try {
                media.startRecording(slot.directory(), recordings.minFreeBytes(), failure -> onFailed(slot, failure));
            } catch (RuntimeException e) {
                recordings.release(slot);
                LOG.log(Level.WARNING, "room " + room.name() + ": recording could not start", e);
                throw new SignalingException("recording-failed", "the recording could not start (see the server log)");
            }
            active = new Active(slot, by.id());
            for (Participant p : room.members()) {
                active.names.put(p.id(), p.displayName());
            }
            LOG.info(() -> "room " + room.name() + ": recording " + slot.id() + " started by " + by);
            room.broadcast(state(by.id(), null), null);
            room.broadcast(room.roomUpdated(), null);
        }
    }

    void stop(Participant by) throws SignalingException {
        synchronized (room) {
            requireMayRecord(by);
            if (active == null) {
                throw new SignalingException("not-recording", "this meeting is not being recorded");
            }
            LOG.info(() -> "room " + room.name() + ": recording " + active.slot.id() + " stopped by " + by);
            finish("stopped", null);
        }
    }

    private void requireMayRecord(Participant p) throws SignalingException {
        room.requireMember(p);
        Boolean claim = p.recordingClaim();
        if (Boolean.FALSE.equals(claim)) {
            throw new SignalingException("recording-forbidden", "your token does not allow recording");
        }
        if (claim == null && !p.moderator()) {
            throw new SignalingException("not-moderator", "only a moderator may start or stop recording");
        }
    }

    /** Whether the meeting is recorded now (caller holds the lock). */
    boolean active() {
        return active != null;
    }

    /** A participant joined or was renamed: the manifest names them as they were called (caller holds the lock). */
    void named(Participant p) {
        if (active != null) {
            active.names.put(p.id(), p.displayName());
        }
    }

    /** The room closes ({@code room-closed}, {@code server-shutdown}): a recording ends (caller holds the lock). */
    void roomClosing(String why, String message) {
        if (active != null) {
            finish(why, message);
        }
    }

    /** The recorder stopped by itself (disk low or full, a write error); recorder thread. */
    private void onFailed(Recordings.Slot slot, RecordingFailure failure) {
        synchronized (room) {
            if (active != null && active.slot == slot) {
                finish(failure.code(), failure.message());
            }
        }
    }

    /** Stops the media recording, hands it to finalizing, and tells everyone (caller holds the lock). */
    private void finish(String why, String message) {
        Active r = active;
        active = null;
        recordings.stopped(why);
        Map<String, String> names = new LinkedHashMap<>(r.names);
        recordings.finish(r.slot, media.stopRecording(why), names, r.startedBy, this::onFinalized);
        if (!why.equals("stopped") && !why.equals("room-closed") && !why.equals("server-shutdown")) {
            LOG.warning("room " + room.name() + ": recording " + r.slot.id() + " stopped: " + message);
        }
        ObjectNode state = state(null, why);
        if (message != null) {
            state.put("message", message);
        }
        room.broadcast(state, null);
        room.broadcast(room.roomUpdated(), null);
    }

    /** Manifest, compose and finalize script ran: the moderators learn how it went. Finalize thread. */
    private void onFinalized(Recordings.FinalizeReport report) {
        synchronized (room) {
            ObjectNode n = Messages.message("recordingFinalized");
            n.put("recordingId", report.recordingId());
            n.put("ok", report.problems().isEmpty());
            n.put("composed", report.composed());
            ArrayNode problems = n.putArray("problems");
            report.problems().forEach(problems::add);
            room.toModerators(n);
        }
    }

    /** {@code recordingState}: whether the meeting is recorded now; {@code by} on a start, {@code reason} on a stop. */
    ObjectNode state(String by, String reason) {
        ObjectNode n = Messages.message("recordingState");
        n.put("active", active != null);
        if (active != null) {
            n.put("since", active.startedAtMs);
        }
        if (by != null) {
            n.put("by", by);
        }
        if (reason != null) {
            n.put("reason", reason);
        }
        return n;
    }
}
