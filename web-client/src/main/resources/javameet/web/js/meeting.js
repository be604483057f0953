// The meeting view: a grid of tiles (one per participant, yourself included) and the toolbar.
// It only draws; the app decides what happens (see app.js).

/** @typedef {import('./protocol.js').Participant} Participant */

const SVG_NS = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

/** "Ada Lovelace" → "AL"; "" → "". */
export function initials(name) {
  const words = String(name ?? '').trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((w) => [...w][0].toUpperCase()).join('');
}

function svgIcon(name, className) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('aria-hidden', 'true');
  if (className) svg.setAttribute('class', className);
  const use = document.createElementNS(SVG_NS, 'use');
  use.setAttribute('href', `#icon-${name}`);
  svg.append(use);
  return svg;
}

/**
 * One participant's tile.
 */
class Tile {
  /** @param {Participant} p @param {boolean} local */
  constructor(p, local) {
    this.id = p.id;
    this.local = local;
    /** @type {Participant} */
    this.info = { ...p };
    this.hasFrames = false;
    this.videoTrack = null;
    this.firstFrameAt = null;

    const el = document.createElement('div');
    el.className = 'tile';
    el.id = `tile-${p.id}`;
    el.dataset.participantId = p.id;
    el.setAttribute('role', 'group');

    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.muted = true; // audio plays from its own <audio> element
    if (local) video.classList.add('mirrored');

    const avatar = document.createElement('div');
    avatar.className = 'avatar';
    avatar.append(document.createElement('span'));

    const label = document.createElement('div');
    label.className = 'tile-label';
    const star = document.createElement('span');
    star.className = 'tile-moderator';
    star.textContent = '★';
    star.title = 'Moderator';
    const name = document.createElement('span');
    name.className = 'tile-name';
    const micOff = svgIcon('mic-off', 'tile-mic-off');
    label.append(star, name, micOff);

    el.append(video, avatar, label);
    Object.assign(this, { el, video, avatar, nameEl: name, star, micOff });
  }

  /** @param {Participant} p @param {{disableModeratorIndicator?: boolean}} config */
  update(p, config) {
    Object.assign(this.info, p);
    const name = this.info.displayName?.trim();
    const shown = name || (this.local ? 'You' : 'Guest');
    this.nameEl.textContent = this.local && name ? `${name} (you)` : shown;
    this.el.setAttribute('aria-label', this.nameEl.textContent);
    this.avatar.firstChild.textContent = initials(shown) || '?';
    this.star.hidden = !this.info.moderator || !!config.disableModeratorIndicator;
    this.micOff.style.display = this.info.audioMuted ? '' : 'none';
    this.micOff.setAttribute('aria-label', 'microphone off');
    this.refreshVideo();
  }

  refreshVideo() {
    const showVideo = this.hasFrames && !this.info.videoMuted && !(this.videoTrack?.muted && !this.local);
    // The video stays rendered under the opaque avatar: hidden or unpainted videos may get no
    // frame callbacks, and the first-frame time is measured on them.
    this.avatar.hidden = showVideo;
  }

  /** @param {MediaStreamTrack} track @param {(tile: Tile) => void} onFirstFrame */
  setVideo(track, onFirstFrame) {
    this.videoTrack = track;
    this.hasFrames = false;
    this.video.srcObject = new MediaStream([track]);
    const frame = () => {
      if (this.videoTrack !== track) return;
      this.hasFrames = true;
      if (this.firstFrameAt == null) {
        this.firstFrameAt = performance.now();
        onFirstFrame(this);
      }
      this.refreshVideo();
    };
    // Whichever tells first: a presented frame, or the element having decoded one.
    this.video.requestVideoFrameCallback?.(frame);
    this.video.addEventListener('loadeddata', frame, { once: true });
    track.addEventListener('mute', () => this.refreshVideo());
    track.addEventListener('unmute', () => this.refreshVideo());
    this.video.play?.().catch(() => { /* autoplay: muted video always plays once frames come */ });
    this.refreshVideo();
  }
}

export class MeetingView {
  /**
   * @param {{onToggleMic: () => void, onToggleCamera: () => void, onLeave: () => void,
   *          onAudioBlocked?: () => void}} actions
   */
  constructor(actions) {
    this.actions = actions;
    /** @type {Map<string, Tile>} */
    this.tiles = new Map();
    /** @type {Map<string, HTMLAudioElement>} */
    this.audios = new Map();
    this.grid = $('grid');
    this.sinks = $('audio-sinks');
    this.config = {};
    this.speakerId = '';
    /** performance.now() of the first decoded remote video frame. */
    this.firstFrameAt = null;
    this.localId = null;

    $('toggle-mic').addEventListener('click', () => actions.onToggleMic());
    $('toggle-camera').addEventListener('click', () => actions.onToggleCamera());
    $('leave-button').addEventListener('click', () => actions.onLeave());
    this.onKey = (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
      const t = /** @type {HTMLElement} */ (ev.target);
      if (t?.closest?.('input, textarea, select, [contenteditable="true"]')) return;
      const key = ev.key.toLowerCase();
      if (key === 'm') { ev.preventDefault(); actions.onToggleMic(); }
      if (key === 'v') { ev.preventDefault(); actions.onToggleCamera(); }
    };
  }

  /** @param {{config: Object, interfaceConfig: Object}} cfg */
  show(cfg) {
    this.config = cfg.config;
    const wm = $('watermark');
    wm.hidden = !cfg.interfaceConfig.showWatermark;
    if (cfg.interfaceConfig.logoUrl) wm.src = cfg.interfaceConfig.logoUrl;
    document.addEventListener('keydown', this.onKey);
  }

  hide() {
    document.removeEventListener('keydown', this.onKey);
  }

  /**
   * Adds or updates a tile.
   * @param {Participant} p
   * @param {boolean} [local]
   */
  upsert(p, local = false) {
    let tile = this.tiles.get(p.id);
    if (!tile) {
      tile = new Tile(p, local);
      this.tiles.set(p.id, tile);
      if (local) { this.localId = p.id; this.grid.prepend(tile.el); } else this.grid.append(tile.el);
      this.layout();
    }
    tile.update(p, this.config);
  }

  has(id) { return this.tiles.has(id); }

  remove(id) {
    this.tiles.get(id)?.el.remove();
    this.tiles.delete(id);
    const audio = this.audios.get(id);
    if (audio) { audio.srcObject = null; audio.remove(); this.audios.delete(id); }
    this.layout();
  }

  /** Removes every tile and audio element (leaving, reconnecting). */
  clear() {
    for (const id of [...this.tiles.keys()]) this.remove(id);
    this.localId = null;
  }

  /** Shows our own camera in our tile. @param {MediaStream} stream */
  setLocalStream(stream) {
    const tile = this.tiles.get(this.localId);
    const video = stream.getVideoTracks()[0];
    if (!tile) return;
    if (video) {
      tile.video.srcObject = new MediaStream([video]);
      tile.videoTrack = video;
      tile.hasFrames = true;
    } else {
      tile.video.srcObject = null;
      tile.videoTrack = null;
      tile.hasFrames = false;
    }
    tile.refreshVideo();
  }

  /**
   * A remote track arrived on the subscribe connection.
   * @param {string} participantId
   * @param {MediaStreamTrack} track
   */
  attachTrack(participantId, track) {
    if (!this.tiles.has(participantId)) {
      // Media before the participant's details: a placeholder until participantJoined/Updated.
      this.upsert({ id: participantId, displayName: '', audioMuted: false, videoMuted: false });
    }
    if (track.kind === 'video') {
      this.tiles.get(participantId).setVideo(track, () => {
        if (this.firstFrameAt == null) this.firstFrameAt = performance.now();
      });
      return;
    }
    let audio = this.audios.get(participantId);
    if (!audio) {
      audio = document.createElement('audio');
      audio.autoplay = true;
      audio.dataset.participantId = participantId;
      this.sinks.append(audio);
      this.audios.set(participantId, audio);
      if (this.speakerId) audio.setSinkId?.(this.speakerId).catch((e) => console.warn('setSinkId failed', e));
    }
    audio.srcObject = new MediaStream([track]);
    audio.play().catch(() => this.actions.onAudioBlocked?.());
  }

  /** Tries again to play every remote audio element (after a user gesture). */
  resumeAudio() {
    for (const audio of this.audios.values()) audio.play().catch(() => {});
  }

  /** @param {string} deviceId */
  setSpeaker(deviceId) {
    this.speakerId = deviceId || '';
    for (const audio of this.audios.values()) {
      audio.setSinkId?.(this.speakerId).catch((e) => console.warn('setSinkId failed', e));
    }
  }

  layout() {
    const n = Math.max(1, this.tiles.size);
    this.grid.style.setProperty('--cols', String(Math.ceil(Math.sqrt(n))));
  }

  /** @returns {Array<Participant & {local: boolean}>} yourself first */
  participants() {
    return [...this.tiles.values()]
      .sort((a, b) => Number(b.local) - Number(a.local))
      .map((t) => ({
        id: t.id,
        displayName: t.info.displayName ?? '',
        audioMuted: !!t.info.audioMuted,
        videoMuted: !!t.info.videoMuted,
        moderator: !!t.info.moderator,
        local: t.local,
      }));
  }
}
