// Local media: getUserMedia with graceful fallbacks, device lists, a mic level meter.
// Joining without any device must still work (receive-only), so nothing here throws for a
// missing or refused device: it reports what went wrong instead.

/**
 * @typedef {Object} LocalMediaResult
 * @property {MediaStream} stream  may hold no tracks at all
 * @property {string[]} problems   human-readable reasons for each missing kind
 */

/**
 * @param {{audioDeviceId?:string, videoDeviceId?:string, audio?:boolean, video?:boolean}} opts
 * @returns {Promise<LocalMediaResult>}
 */
export async function getLocalMedia(opts = {}) {
  const stream = new MediaStream();
  const problems = [];
  if (!navigator.mediaDevices?.getUserMedia) {
    problems.push('This browser cannot use a camera or microphone here (a secure https:// page is needed).');
    return { stream, problems };
  }
  const want = { audio: opts.audio !== false, video: opts.video !== false };
  const constraints = {
    audio: want.audio && (opts.audioDeviceId ? { deviceId: { exact: opts.audioDeviceId } } : true),
    video: want.video && videoConstraints(opts.videoDeviceId),
  };
  try {
    // One prompt for both, when both are there.
    if (constraints.audio || constraints.video) {
      (await getUserMediaRetrying(constraints)).getTracks().forEach((t) => stream.addTrack(t));
    }
  } catch {
    // Ask for each kind alone, so one missing or refused device does not cost the other.
    for (const kind of ['audio', 'video']) {
      if (!constraints[kind]) continue;
      try {
        const s = await getUserMediaRetrying({ [kind]: constraints[kind] });
        s.getTracks().forEach((t) => stream.addTrack(t));
      } catch (e) {
        problems.push(describeError(kind, e));
      }
    }
  }
  return { stream, problems };
}

/** A chosen device may have been unplugged: retry once without the deviceId. */
async function getUserMediaRetrying(constraints) {
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (e) {
    if (e.name !== 'OverconstrainedError' && e.name !== 'NotFoundError') throw e;
    const loose = {};
    for (const [k, v] of Object.entries(constraints)) {
      if (!v) continue;
      loose[k] = k === 'video' ? videoConstraints() : true;
    }
    if (JSON.stringify(loose) === JSON.stringify(constraints)) throw e;
    return navigator.mediaDevices.getUserMedia(loose);
  }
}

function videoConstraints(deviceId) {
  const c = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
  if (deviceId) c.deviceId = { exact: deviceId };
  return c;
}

function describeError(kind, e) {
  const what = kind === 'audio' ? 'microphone' : 'camera';
  switch (e?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Permission to use the ${what} was denied. Allow it in the browser's site settings and reload.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what} was found.`;
    case 'NotReadableError':
    case 'AbortError':
      return `The ${what} is in use by another application or could not be started.`;
    default:
      return `The ${what} could not be used (${e?.name ?? 'error'}).`;
  }
}

/**
 * @returns {Promise<{audioinput: MediaDeviceInfo[], videoinput: MediaDeviceInfo[], audiooutput: MediaDeviceInfo[]}>}
 */
export async function listDevices() {
  const lists = { audioinput: [], videoinput: [], audiooutput: [] };
  if (!navigator.mediaDevices?.enumerateDevices) return lists;
  for (const d of await navigator.mediaDevices.enumerateDevices()) {
    if (lists[d.kind] && d.deviceId) lists[d.kind].push(d);
  }
  return lists;
}

export const canChooseSpeaker = typeof HTMLMediaElement !== 'undefined'
  && 'setSinkId' in HTMLMediaElement.prototype;

/**
 * Reads the level of an audio track, 0..1, for a meter. Call stop() when done.
 */
export class LevelMeter {
  /** @param {MediaStreamTrack} track */
  constructor(track) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    this.ctx = new Ctx();
    this.source = this.ctx.createMediaStreamSource(new MediaStream([track]));
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    this.source.connect(this.analyser); // not to the destination: no echo of yourself
    this.buffer = new Float32Array(this.analyser.fftSize);
    // Autoplay rules may start the context suspended until the first user gesture.
    this.resume = () => this.ctx.state === 'suspended' && this.ctx.resume();
    document.addEventListener('pointerdown', this.resume);
    document.addEventListener('keydown', this.resume);
    this.resume();
  }

  /** RMS level mapped to 0..1 on a rough dB scale (-60 dB → 0, 0 dB → 1), for a meter. */
  level() {
    const db = 20 * Math.log10(this.rms() || 1e-8);
    return Math.min(1, Math.max(0, (db + 60) / 60));
  }

  /** Linear RMS 0..1, comparable with WebRTC's audioLevel. */
  rms() {
    this.analyser.getFloatTimeDomainData(this.buffer);
    let sum = 0;
    for (const v of this.buffer) sum += v * v;
    return Math.sqrt(sum / this.buffer.length);
  }

  stop() {
    document.removeEventListener('pointerdown', this.resume);
    document.removeEventListener('keydown', this.resume);
    this.source.disconnect();
    this.ctx.close();
  }
}

const NAME_KEY = 'javameet.displayName';
const DEVICE_KEY = 'javameet.devices';

export function savedDisplayName() {
  try { return localStorage.getItem(NAME_KEY) ?? ''; } catch { return ''; }
}

export function saveDisplayName(name) {
  try { localStorage.setItem(NAME_KEY, name); } catch { /* private mode */ }
}

/** @returns {{audioinput?:string, videoinput?:string, audiooutput?:string}} */
export function savedDevices() {
  try { return JSON.parse(localStorage.getItem(DEVICE_KEY) ?? '{}') ?? {}; } catch { return {}; }
}

export function saveDevice(kind, deviceId) {
  try { localStorage.setItem(DEVICE_KEY, JSON.stringify({ ...savedDevices(), [kind]: deviceId })); } catch { /* */ }
}

/**
 * Our microphone's level as getSynchronizationSources() reports others' (linear 0..1), from a LevelMeter on the
 * local track, made anew when the track changes; 0 while muted.
 */
export class LocalLevel {
  /** @param {MediaStreamTrack|undefined} track @param {boolean} muted */
  level(track, muted) {
    if (!track || muted || track.readyState !== 'live') return 0;
    if (this.meter?.track !== track) {
      this.stop();
      try { this.meter = Object.assign(new LevelMeter(track), { track }); } catch { this.meter = null; return 0; }
    }
    return this.meter.rms();
  }

  stop() {
    this.meter?.stop();
    this.meter = null;
  }
}
