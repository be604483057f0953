// What the server decides about the media we receive, drawn on the meeting view: the dominant speaker
// (`dominantSpeaker`, also in `joined` and `resumed`) and which camera tracks last-N pauses for us (`videoPaused`,
// by subscribe mid; also in `resumed`). No DOM: the view draws it.

export class ServerMediaState {
  /**
   * @param {{setActiveSpeaker(id: string|null): void, setPausedVideo(ids: Set<string>): void}} view
   * @param {() => Iterable<{active: boolean, source: string, mid: string|number, participantId: string}>} remoteTracks
   *        the subscribe connection's tracks now
   */
  constructor(view, remoteTracks) {
    this.view = view;
    this.remoteTracks = remoteTracks;
    this.reset();
  }

  /** A new meeting (joined): nothing known from the server yet. */
  reset() {
    /** The server's dominant speaker; undefined until it names one (null: nobody). @type {string|null|undefined} */
    this.speaker = undefined;
    /** Subscribe mids of the camera tracks the server pauses for us. @type {Set<string>} */
    this.pausedMids = new Set();
  }

  /**
   * Whether the server named a dominant speaker: its choice is the same for everyone, has hysteresis, and is what
   * decides whose video we receive (last-N), so a local guess from audio levels only counts until then.
   */
  get speakerKnown() { return this.speaker !== undefined; }

  /**
   * The server's dominant speaker gets the active-speaker view; a malformed message is ignored.
   * @param {{participantId: string|null, recent?: string[]}} m
   */
  useDominantSpeaker(m) {
    if (!m || (m.participantId !== null && typeof m.participantId !== 'string')) return;
    this.speaker = m.participantId;
    this.view.setActiveSpeaker(m.participantId);
  }

  /** @param {unknown} mids from `videoPaused.mids` or `resumed.videoPaused`; anything but an array is ignored */
  setPausedMids(mids) {
    if (!Array.isArray(mids)) return;
    this.pausedMids = new Set(mids.map(String));
    this.refreshPausedVideo();
  }

  /** Tiles whose camera track (by subscribe mid) the server pauses for us show their avatar. */
  refreshPausedVideo() {
    const paused = new Set();
    for (const t of this.remoteTracks()) {
      if (t.active && t.source === 'camera' && this.pausedMids.has(String(t.mid))) paused.add(t.participantId);
    }
    this.view.setPausedVideo(paused);
  }
}
