// What we send of each video track (RTCRtpEncodingParameters), and how big each remote video is shown
// (the `tileSizes` we tell the server). Pure functions: no DOM, no RTCPeerConnection; session.js and
// tilesizes.js apply them.
//
// The camera goes out as up to three simulcast encodings, lowest resolution first (the order the server expects,
// docs/protocol.md): the server forwards each receiver the one that fits its tile and its downlink.
// Each is VP8 with three temporal layers (L1T3) where the browser can, so the server can also halve or
// quarter the frame rate without a switch. A screen share is one encoding at full resolution and a low
// frame rate: text must stay sharp, and nobody reads slides at 30 fps.

/**
 * One simulcast layer of the camera: its rid, how much smaller than the capture it is, and the most it
 * may use. 1.7 Mbit/s at 720p, 500 kbit/s at 360p, 150 kbit/s at 180p are Chromium's own simulcast
 * defaults (webrtc's simulcast.cc) within a few percent; with a 360p capture the layers are 90p, 180p
 * and 360p, and each uses far less than its cap.
 * @typedef {{rid: string, scaleResolutionDownBy: number, maxBitrate: number}} CameraLayer
 */

/** @type {ReadonlyArray<CameraLayer>} */
export const CAMERA_LAYERS = Object.freeze([
  Object.freeze({ rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 }),
  Object.freeze({ rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 }),
  Object.freeze({ rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_700_000 }),
]);

/**
 * How many simulcast layers Chromium encodes of a capture this large (webrtc's simulcast.cc, kSimulcastFormats,
 * on by default as "legacy layer limit"): 3 from 960x540, 2 from 480x270, else 1. It keeps the first encodings
 * and drops the rest, so three encodings of a 640x360 camera send only 160x90 and 320x180 (measured in
 * SimulcastBrowserTest): we ask for as many as it will send, the top one always at full resolution.
 * @param {number} width @param {number} height the capture's, 0 when unknown (then the 720p we ask for)
 */
export function simulcastLayerCount(width, height) {
  if (!(width > 0) || !(height > 0)) return CAMERA_LAYERS.length;
  const pixels = width * height;
  if (pixels >= 960 * 540) return 3;
  if (pixels >= 480 * 270) return 2;
  return 1;
}

/** The camera's one encoding without simulcast: what the browser would pick, capped like the top layer. */
export const SINGLE_CAMERA_MAX_BITRATE = 1_700_000;

/** Screen share: full resolution, at most this many frames a second and this many bits. */
export const SCREEN_MAX_FRAMERATE = 5;
export const SCREEN_MAX_BITRATE = 2_000_000;

/** The tallest tile the server accepts (docs/protocol.md, tileSizes). */
export const MAX_TILE_HEIGHT = 4320;

/** A hidden tile asks for the lowest layer: 1 pixel is below every layer's height. */
export const HIDDEN_TILE_HEIGHT = 1;

/** VP8 with three temporal layers, one spatial (W3C webrtc-svc). */
export const TEMPORAL_LAYERS_MODE = 'L1T3';

/**
 * Whether the browser's VP8 encoder says it can send L1T3 (RTCRtpSender.getCapabilities('video'), whose
 * codecs list scalabilityModes where the browser supports webrtc-svc). Without the list, no scalabilityMode
 * is asked for: a browser that does not know the mode may refuse the whole transceiver.
 * @param {{codecs?: Array<{mimeType: string, scalabilityModes?: string[]}>}|null|undefined} capabilities
 */
export function supportsTemporalLayers(capabilities) {
  return (capabilities?.codecs ?? []).some((c) => c.mimeType?.toLowerCase() === 'video/vp8'
    && Array.isArray(c.scalabilityModes) && c.scalabilityModes.includes(TEMPORAL_LAYERS_MODE));
}

/**
 * The camera's sendEncodings: the top CAMERA_LAYERS the capture is large enough for (simulcastLayerCount), so
 * a 720p camera sends r0/r1/r2 (180p, 360p, 720p) and a 360p one r1/r2 (180p, 360p); a rid always means the
 * same scale.
 * @param {{simulcast: boolean, temporalLayers: boolean, width?: number, height?: number}} opts simulcast:
 *        several layers (config.disableSimulcast turns it off); temporalLayers: the encoder can do L1T3
 *        (supportsTemporalLayers); width, height: the camera track's settings, when known
 * @returns {RTCRtpEncodingParameters[]}
 */
export function cameraEncodings({ simulcast, temporalLayers, width = 0, height = 0 }) {
  const svc = temporalLayers ? { scalabilityMode: TEMPORAL_LAYERS_MODE } : {};
  const layers = simulcast ? simulcastLayerCount(width, height) : 1;
  if (layers < 2) return [{ maxBitrate: SINGLE_CAMERA_MAX_BITRATE, ...svc }];
  return CAMERA_LAYERS.slice(CAMERA_LAYERS.length - layers).map((layer) => ({ ...layer, active: true, ...svc }));
}

/**
 * The server's `layersPaused` as mid → the rids to stop: anything malformed is left out (a bad entry pauses
 * nothing).
 * @param {unknown} tracks the message's `tracks` (or `resumed.layersPaused`)
 * @returns {Map<string, Set<string>>}
 */
export function pausedLayersByMid(tracks) {
  const out = new Map();
  if (!Array.isArray(tracks)) return out;
  for (const t of tracks) {
    if (typeof t?.mid !== 'string' || !Array.isArray(t.rids)) continue;
    out.set(t.mid, new Set(t.rids.filter((r) => typeof r === 'string')));
  }
  return out;
}

/**
 * A sender's encodings with `active` set from the rids the server paused (every other simulcast encoding on).
 * Encodings without a rid (one stream, the screen) are never touched: pausing is for layers only.
 * @param {RTCRtpEncodingParameters[]} encodings from sender.getParameters(); changed in place
 * @param {Set<string>|undefined} pausedRids
 * @returns {boolean} whether anything changed (setParameters is needed)
 */
export function applyPausedRids(encodings, pausedRids) {
  let changed = false;
  for (const e of encodings ?? []) {
    if (!e.rid) continue;
    const active = !pausedRids?.has(e.rid);
    if (e.active !== active) {
      e.active = active;
      changed = true;
    }
  }
  return changed;
}

/** The screen share's one encoding. @returns {RTCRtpEncodingParameters[]} */
export function screenEncodings() {
  return [{ maxFramerate: SCREEN_MAX_FRAMERATE, maxBitrate: SCREEN_MAX_BITRATE, scaleResolutionDownBy: 1 }];
}

/**
 * The height in device pixels a video shown in a box of cssWidth x cssHeight needs, so that the server sends
 * no larger layer than the screen can show. Tiles crop the video to fill them (object-fit: cover): a box wider
 * than the video's shape needs the video as wide as the box, hence taller than it; the spotlight fits the
 * video inside (contain): the box's height is the most it can use. A box not shown needs the lowest layer:
 * HIDDEN_TILE_HEIGHT (0 would lift the constraint).
 * @param {{cssWidth: number, cssHeight: number, devicePixelRatio?: number, fit: 'cover'|'contain',
 *          aspect?: number}} box aspect: the video's width / height, 16/9 until it is known
 * @returns {number} integer device pixels
 */
export function neededHeight({ cssWidth, cssHeight, devicePixelRatio = 1, fit, aspect = 16 / 9 }) {
  if (!(cssWidth > 0) || !(cssHeight > 0)) return HIDDEN_TILE_HEIGHT;
  const a = aspect > 0 && Number.isFinite(aspect) ? aspect : 16 / 9;
  const dpr = devicePixelRatio > 0 && Number.isFinite(devicePixelRatio) ? devicePixelRatio : 1;
  const css = fit === 'cover' ? Math.max(cssHeight, cssWidth / a) : Math.min(cssHeight, cssWidth / a);
  return Math.min(MAX_TILE_HEIGHT, Math.max(1, Math.ceil(css * dpr)));
}


/**
 * What changed since the last report: the tiles whose needed height differs (new ones included). Tracks
 * that went are left out: the server forgets them with the track.
 * @param {Map<string, number>} last trackId → height last sent
 * @param {Map<string, number>} now trackId → height needed now
 * @returns {Array<{trackId: string, height: number}>} at most 100 (the server's limit), the message's `tiles`
 */
export function changedTiles(last, now) {
  const out = [];
  for (const [trackId, height] of now) {
    if (last.get(trackId) !== height) out.push({ trackId, height });
  }
  return out.slice(0, 100);
}
