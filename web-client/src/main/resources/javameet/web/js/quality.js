// Who is talking and how good each connection is, while the meeting runs. Talking: the audio level of
// each participant's last packets (RTCRtpReceiver.getSynchronizationSources(), cheap enough to read
// several times a second) and ours from a WebAudio analyser. Quality: a getStats() every 2 s — loss and
// jitter of what we receive from someone; round-trip time and loss the server reports for what we send.

/** @typedef {'good'|'medium'|'poor'} Quality */

/** Levels are linear 0..1 (RFC 6464 via getStats); quiet rooms sit below 0.01, speech well above. */
export const SPEAKING_LEVEL = 0.02;
/** The highlight stays this long after someone was last heard, and at least this long on one person. */
export const SPEAKER_HOLD_MS = 1500;

/**
 * @param {{loss:number, jitter?:number|null, rtt?:number|null}} m loss 0..1, jitter and rtt in seconds
 * @returns {Quality}
 */
export function classifyQuality({ loss, jitter = 0, rtt = 0 }) {
  const j = jitter ?? 0;
  const r = rtt ?? 0;
  if (loss < 0.02 && j < 0.03 && r < 0.3) return 'good';
  if (loss < 0.08 && j < 0.1 && r < 0.6) return 'medium';
  return 'poor';
}

/**
 * A bitrate for people: 850000 → "850 kbit/s", 1234567 → "1.2 Mbit/s".
 * @param {number} bps
 */
export function formatBitrate(bps) {
  if (!Number.isFinite(bps) || bps < 0) return '';
  if (bps < 1e6) return `${Math.round(bps / 1000)} kbit/s`;
  return `${(bps / 1e6).toFixed(bps < 1e7 ? 1 : 0)} Mbit/s`;
}

/** Picks the loudest participant above SPEAKING_LEVEL, holding the choice for SPEAKER_HOLD_MS. */
export class ActiveSpeaker {
  constructor() {
    /** @type {string|null} */
    this.current = null;
    this.switchedAt = 0;
    /** @type {Map<string, number>} */
    this.lastHeard = new Map();
  }

  /**
   * @param {Map<string, number>} levels participant id → audio level 0..1
   * @param {number} now ms
   * @returns {string|null} who to highlight
   */
  update(levels, now) {
    let loudest = null;
    let max = SPEAKING_LEVEL;
    for (const [id, level] of levels) {
      if (level >= max) { max = level; loudest = id; }
    }
    if (loudest) this.lastHeard.set(loudest, now);
    if (loudest && loudest !== this.current && (!this.current || now - this.switchedAt >= SPEAKER_HOLD_MS)) {
      this.current = loudest;
      this.switchedAt = now;
    }
    if (this.current && (!levels.has(this.current) || now - (this.lastHeard.get(this.current) ?? 0) > SPEAKER_HOLD_MS)) {
      this.current = null;
    }
    return this.current;
  }
}

const LEVEL_INTERVAL_MS = 400;
const QUALITY_EVERY = 5; // ticks: getStats() and quality over a 2 s window

/**
 * Polls a MediaSession's stats() and reports speaker and quality changes.
 */
export class StatsMonitor {
  /**
   * @param {() => (import('./session.js').MediaSession|null)} session
   * @param {{localId: () => string|null, localLevel: () => number, isMuted: (id: string) => boolean,
   *          onSpeaker: (id: string|null) => void,
   *          onQuality: (id: string, q: Quality|null) => void,
   *          onReceivedVideo?: (id: string, v: {width: number, height: number, fps: number}|null) => void,
   *          onPaths?: (paths: {publish: Object|null, subscribe: Object|null}) => void}} hooks
   *          onPaths: each connection's selected path, with every quality window
   *          onReceivedVideo: the camera video we decode of each remote participant (the layer the server sends)
   */
  constructor(session, hooks) {
    this.session = session;
    this.hooks = hooks;
    this.speaker = new ActiveSpeaker();
    this.timer = 0;
    this.ticks = 0;
    this.busy = false;
    /** participant id (or '' for us) → counters at the start of the quality window */
    this.window = new Map();
  }

  start() {
    this.stop();
    this.timer = setInterval(() => this.tick(), LEVEL_INTERVAL_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = 0;
    this.window.clear();
  }

  /** @private */
  async tick() {
    const session = this.session();
    if (!session || this.busy) return;
    this.busy = true;
    try {
      const levels = session.audioLevels();
      const me = this.hooks.localId();
      if (me) levels.set(me, this.hooks.localLevel());
      // someone shown as muted is never highlighted, whatever their last packets said
      for (const id of levels.keys()) if (this.hooks.isMuted(id)) levels.set(id, 0);
      this.hooks.onSpeaker(this.speaker.update(levels, performance.now()));
      if (++this.ticks % QUALITY_EVERY === 0) this.quality(await session.stats(), me);
    } catch (e) {
      console.debug('stats: tick failed', e);
    } finally {
      this.busy = false;
    }
  }

  /** @private */
  quality(s, me) {
    this.hooks.onPaths?.(s.paths);
    for (const i of s.inbound) {
      if (i.kind !== 'video' || i.source !== 'camera' || !i.participantId) continue;
      this.hooks.onReceivedVideo?.(i.participantId, i.frameHeight > 0
        ? { width: i.frameWidth, height: i.frameHeight, fps: i.framesPerSecond ?? 0 } : null);
    }
    const now = new Map();
    for (const i of s.inbound) {
      if (!i.participantId) continue;
      const c = now.get(i.participantId) ?? { received: 0, lost: 0, jitter: 0 };
      c.received += i.packetsReceived;
      c.lost += Math.max(0, i.packetsLost);
      // audio jitter only: video packets leave in bursts per frame, which reads as jitter without being any
      if (i.kind === 'audio') c.jitter = Math.max(c.jitter, i.jitter ?? 0);
      now.set(i.participantId, c);
    }
    for (const [id, c] of now) {
      const before = this.window.get(id);
      this.window.set(id, c);
      if (!before) continue;
      const received = c.received - before.received;
      const lost = c.lost - before.lost;
      if (received + lost <= 0) {
        // nothing arrived for 2 s from someone who did send before: a stalled connection
        if (before.received > 0) this.hooks.onQuality(id, 'poor');
        continue;
      }
      this.hooks.onQuality(id, classifyQuality({ loss: lost / (received + lost), jitter: c.jitter }));
    }
    if (me && s.remoteInbound?.length) {
      const rtts = s.remoteInbound.map((r) => r.roundTripTime).filter((r) => r != null);
      const rtt = rtts.length ? Math.max(...rtts) : s.outbound.find((o) => o.roundTripTime != null)?.roundTripTime;
      const loss = Math.max(0, ...s.remoteInbound.map((r) => r.fractionLost ?? 0));
      const jitter = Math.max(0, ...s.remoteInbound.filter((r) => r.kind === 'audio').map((r) => r.jitter ?? 0));
      this.hooks.onQuality(me, classifyQuality({ loss, jitter, rtt }));
    }
  }
}
