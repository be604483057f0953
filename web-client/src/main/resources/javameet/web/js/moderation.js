// Moderation as this client sees it: requests a moderator sends from the participants panel, and
// what arrives from moderators (muteRequest, kicked), room lock, lobby and recording state (roomUpdated,
// recordingState, recordingFinalized), and
// the lobby requests a moderator answers (docs/protocol.md, "Meeting features").

import { toast } from './ui.js';
import { LobbyRequests } from './access.js';

/** @typedef {import('./protocol.js').SignalingConnection} SignalingConnection */

/**
 * @typedef {Object} ModerationDeps
 * @property {() => SignalingConnection|null} signaling the current connection
 * @property {() => string} state the page's state (toasts only in the meeting)
 * @property {(id: string) => string} nameOf
 * @property {(kind: 'audio'|'video') => void} muteSelf turn our own track off, as the button would
 * @property {(byName: string, reason: string|undefined) => void} onRemoved we were kicked
 * @property {() => void} onChange the participants panel must redraw
 */

export class Moderation {
  /** @param {ModerationDeps} deps */
  constructor(deps) {
    this.deps = deps;
    this.roomState = { locked: false, lobbyEnabled: false, recording: false };
    /** performance.now() when a newcomer was told the meeting is recorded (in `joined`), or null. */
    this.recordingNoticeAt = null;
    this.lobbyRequests = new LobbyRequests((id, admit) => deps.signaling()?.lobbyDecision(id, admit));
  }

  /** What the participants panel's moderator controls do. */
  panelActions() {
    const conn = () => this.deps.signaling();
    return {
      onMute: (id) => conn()?.muteParticipant(id, 'audio'),
      onKick: (id) => conn()?.kick(id),
      onMuteAll: () => { conn()?.muteAll('audio'); toast('You muted everyone else.'); },
      onSetPassword: (pw) => conn()?.setPassword(pw),
      onSetLobby: (on) => conn()?.setLobby(on),
    };
  }

  /** The toolbar's record button: start or stop, as the room's state says. */
  toggleRecording() {
    const conn = this.deps.signaling();
    if (this.roomState.recording) conn?.stopRecording();
    else conn?.startRecording();
  }

  /** @param {SignalingConnection} conn */
  listen(conn) {
    const current = () => conn === this.deps.signaling();
    const joined = () => current() && ['joined', 'joining'].includes(this.deps.state());
    conn.on('muteRequest', (m) => {
      if (!joined()) return;
      const who = m.by ? this.deps.nameOf(m.by) : 'A moderator';
      this.deps.muteSelf(m.kind === 'video' ? 'video' : 'audio');
      toast(m.kind === 'video' ? `${who} turned your camera off` : `${who} muted you`);
    });
    conn.on('kicked', (m) => {
      if (!current()) return;
      this.deps.onRemoved(m.by ? this.deps.nameOf(m.by) : 'A moderator', m.reason);
    });
    conn.on('roomUpdated', (m) => {
      if (!current()) return;
      const before = this.roomState;
      this.roomState = { locked: !!m.locked, lobbyEnabled: !!m.lobbyEnabled, recording: !!m.recording };
      const inMeeting = this.deps.state() === 'joined';
      if (inMeeting && before.lobbyEnabled !== this.roomState.lobbyEnabled) {
        toast(this.roomState.lobbyEnabled ? 'The lobby is on: newcomers wait to be admitted.' : 'The lobby is off.');
      }
      if (inMeeting && before.locked !== this.roomState.locked) {
        toast(this.roomState.locked ? 'The meeting is locked with a password.' : 'The meeting password was removed.');
      }
      this.deps.onChange();
    });
    // recording: everyone is told, newcomers in `joined` before they publish (docs/protocol.md, "Recording")
    conn.on('joined', (m) => {
      if (!current() || !m.recording?.active) return;
      this.recordingNoticeAt = performance.now();
      this.roomState = { ...this.roomState, recording: true };
      toast('This meeting is being recorded.');
      this.deps.onChange();
    });
    conn.on('recordingState', (m) => {
      if (!joined()) return;
      this.roomState = { ...this.roomState, recording: !!m.active };
      if (m.active) toast(m.by ? `${this.deps.nameOf(m.by)} started recording the meeting.` : 'This meeting is being recorded.');
      else if (m.message) toast(`Recording stopped: ${m.message}`); // disk-low, disk-full, failed, server-shutdown
      else toast('Recording stopped.');
      this.deps.onChange();
    });
    conn.on('recordingFinalized', (m) => {
      if (!joined()) return;
      toast(m.ok ? 'The recording is saved.' : `The recording is saved, but: ${(m.problems || []).join('; ')}`);
    });
    conn.on('lobbyRequest', (m) => { if (current()) this.lobbyRequests.add(m); });
    conn.on('lobbyResolved', (m) => { if (current()) this.lobbyRequests.remove(m.requestId); });
  }

  /** Lobby requests belong to one connection: a reconnect or leaving drops them. */
  clear() { this.lobbyRequests.clear(); }
}
