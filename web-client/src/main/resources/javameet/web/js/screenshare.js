// Our screen share: getDisplayMedia, its track on the publish connection (session.startScreen),
// and its end by our button, the D key, or the browser's own "Stop sharing".

import { toast } from './ui.js';

/** @typedef {import('./session.js').MediaSession} MediaSession */

export class ScreenShare {
  /**
   * @param {{session: () => MediaSession|null, allowed: () => boolean,
   *          onChange: (track: MediaStreamTrack|null) => void}} deps
   *   allowed: we are in the meeting; onChange: the view shows or drops our share
   */
  constructor(deps) {
    this.deps = deps;
    /** @type {MediaStreamTrack|null} */
    this.track = null;
  }

  get sharing() { return !!this.track; }

  async toggle() {
    if (!this.deps.allowed()) return;
    if (this.track) { await this.stop(); return; }
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    } catch (e) {
      if (e.name !== 'NotAllowedError' && e.name !== 'AbortError') toast(`Could not share the screen: ${e.message}`);
      return;
    }
    const track = stream.getVideoTracks()[0];
    if (!track || !this.deps.allowed()) { stream.getTracks().forEach((t) => t.stop()); return; }
    this.track = track;
    // The browser's own "Stop sharing" button ends the track.
    track.addEventListener('ended', () => { if (this.track === track) this.stop(); });
    this.deps.onChange(track);
    await this.deps.session()?.startScreen(track);
  }

  /** Stops sharing and re-offers without the screen. */
  async stop() {
    if (!this.drop()) return;
    await this.deps.session()?.stopScreen();
  }

  /** Stops the track without renegotiating (the session is going away). @returns {boolean} we were sharing */
  drop() {
    const track = this.track;
    if (!track) return false;
    this.track = null;
    track.stop();
    this.deps.onChange(null);
    return true;
  }
}
