// Tells the server how large we show each remote video (`tileSizes`, docs/protocol.md), so it never sends a
// thumbnail the top simulcast layer. Measured after anything that can change a size: new tracks, the grid's
// layout, the spotlight, a window resize (a ResizeObserver on the stage); debounced, and only what changed.

import { changedTiles, neededHeight } from './encodings.js';

/** Waits this long after the last change before measuring: a window drag or a join burst sends one report. */
export const TILE_SIZES_DEBOUNCE_MS = 300;

/**
 * And measures this often anyway: a change no event tells of (a tile's first frame gives its video's shape,
 * a panel opens) costs at most this long. Reading a few elements' sizes is cheap; only changes are sent.
 */
export const TILE_SIZES_POLL_MS = 2000;

/**
 * @typedef {Object} VideoBox one remote video on screen
 * @property {string} trackId the subscribe offer's msid track id
 * @property {number} cssWidth
 * @property {number} cssHeight 0 when not shown
 * @property {'cover'|'contain'} fit
 * @property {number} [aspect] the decoded video's width / height, when known
 */

export class TileSizeReporter {
  /**
   * @param {{boxes: () => VideoBox[], send: (msg: {type: 'tileSizes', tiles: Array<{trackId: string, height: number}>}) => boolean,
   *          devicePixelRatio?: () => number}} deps
   *   boxes: every remote video track we receive and where it is shown; send: false when the socket is not open
   */
  constructor(deps) {
    this.deps = deps;
    /** trackId → height the server was last told. @type {Map<string, number>} */
    this.sent = new Map();
    this.timer = 0;
    this.poll = 0;
  }

  /** Something may have changed size: measure soon. */
  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.report(), TILE_SIZES_DEBOUNCE_MS);
  }

  /** Measures now and sends what changed. @returns {number} tiles sent */
  report() {
    clearTimeout(this.timer);
    this.timer = 0;
    const dpr = this.deps.devicePixelRatio?.() ?? 1;
    const now = new Map();
    for (const b of this.deps.boxes()) {
      now.set(b.trackId, neededHeight({ cssWidth: b.cssWidth, cssHeight: b.cssHeight, devicePixelRatio: dpr,
        fit: b.fit, aspect: b.aspect }));
    }
    const tiles = changedTiles(this.sent, now);
    if (tiles.length === 0) return 0;
    if (!this.deps.send({ type: 'tileSizes', tiles })) return 0; // not connected: the next report sends it all again
    for (const [trackId] of [...this.sent]) if (!now.has(trackId)) this.sent.delete(trackId);
    for (const t of tiles) this.sent.set(t.trackId, t.height);
    return tiles.length;
  }

  /**
   * Starts reporting, from nothing: a new session (join) or a server that may have missed a report (resume)
   * is told every size again.
   */
  reset() {
    this.sent.clear();
    this.schedule();
    if (!this.poll) this.poll = setInterval(() => this.report(), TILE_SIZES_POLL_MS);
  }

  stop() {
    clearTimeout(this.timer);
    clearInterval(this.poll);
    this.timer = 0;
    this.poll = 0;
    this.sent.clear();
  }
}
