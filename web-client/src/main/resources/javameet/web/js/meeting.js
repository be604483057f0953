// The meeting view: a grid of tiles (one per participant, yourself included) and the spotlight for a
// screen share above it. It only draws; the app decides what happens (see app.js). The toolbar is
// toolbar.js.

/** @typedef {import('./protocol.js').Participant} Participant */
/** @typedef {import('./session.js').RemoteTrack} RemoteTrack */
/** @typedef {'good'|'medium'|'poor'} Quality */

import { formatBitrate } from './quality.js';
import { joinMarks } from './joinmarks.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);
/** How many departed participant ids a page remembers (see MeetingView.departed). */
const MAX_DEPARTED = 500;

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
    /** Made for media that came before anyone announced the participant (MeetingView.setRemoteTracks). */
    this.placeholder = false;

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
    const camOff = svgIcon('camera-off', 'tile-camera-off');
    label.append(star, name, micOff, camOff);

    const hand = document.createElement('div');
    hand.className = 'tile-hand';
    hand.append(svgIcon('hand'));
    hand.title = 'Hand raised';
    hand.setAttribute('role', 'img');
    hand.setAttribute('aria-label', 'hand raised');

    const quality = document.createElement('div');
    quality.className = 'tile-quality';
    quality.setAttribute('role', 'img');
    for (let i = 0; i < 3; i++) quality.append(document.createElement('span'));

    el.append(video, avatar, label, hand, quality);
    Object.assign(this, { el, video, avatar, nameEl: name, star, micOff, camOff, hand, quality });
    this.setQuality(null);
  }

  /** @param {Quality|null} q null: not measured yet */
  setQuality(q) {
    this.info.quality = q;
    this.quality.dataset.quality = q ?? 'unknown';
    this.quality.hidden = q == null;
    this.describeConnection();
  }

  /** @param {number} bps what the server estimates this (local) participant can receive */
  setDownlink(bps) {
    this.info.downlinkBps = bps;
    this.describeConnection();
  }

  /**
   * The camera video we receive of this (remote) participant now: the simulcast layer the server forwards,
   * as decoded (getStats inbound-rtp). null: none.
   * @param {{width: number, height: number, fps: number}|null} v
   */
  setReceivedVideo(v) {
    this.info.receivedVideo = v;
    this.el.dataset.receivedHeight = v ? String(v.height) : '';
    this.describeConnection();
  }

  /**
   * @private the quality icon's tooltip: quality, for ourselves the server's downlink estimate, for others the
   * resolution and frame rate we receive of them
   */
  describeConnection() {
    const q = this.info.quality;
    const parts = [];
    if (q) parts.push(`Connection: ${q}`);
    if (this.info.downlinkBps != null) parts.push(`receiving up to ${formatBitrate(this.info.downlinkBps)}`);
    const v = this.info.receivedVideo;
    if (v) parts.push(`video ${v.width}×${v.height}, ${Math.round(v.fps)} fps`);
    const text = parts.join(' · ');
    this.quality.title = text;
    this.quality.setAttribute('aria-label', text || 'connection quality unknown');
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
    this.micOff.classList.toggle('gone', !this.info.audioMuted);
    this.micOff.setAttribute('aria-label', 'microphone off');
    this.camOff.classList.toggle('gone', !this.info.videoMuted);
    this.camOff.setAttribute('aria-label', 'camera off');
    this.hand.hidden = !this.info.handRaised;
    // "reconnecting": their socket or media dropped and the server waits for them to resume
    this.el.classList.toggle('reconnecting', !!this.info.reconnecting);
    this.el.title = this.info.reconnecting ? 'Reconnecting…' : '';
    this.el.classList.toggle('hand-raised', !!this.info.handRaised);
    this.refreshVideo();
  }

  /**
   * The server does not forward this camera to us now (last-N: they are not among the recent speakers):
   * the avatar shows, as for a camera that is off, without the camera-off icon (their camera is on).
   * @param {boolean} paused
   */
  setForwardingPaused(paused) {
    if (this.forwardingPaused === paused) return;
    this.forwardingPaused = paused;
    this.el.dataset.videoPaused = paused ? 'true' : 'false';
    this.refreshVideo();
  }

  refreshVideo() {
    const showVideo = this.hasFrames && !this.info.videoMuted && !this.forwardingPaused
      && !(this.videoTrack?.muted && !this.local);
    // The video stays rendered under the opaque avatar: hidden or unpainted videos may get no
    // frame callbacks, and the first-frame time is measured on them.
    this.avatar.hidden = showVideo;
  }

  /** @param {MediaStreamTrack|null} track @param {(tile: Tile) => void} onFirstFrame */
  setVideo(track, onFirstFrame) {
    if (track === this.videoTrack) return;
    this.videoTrack = track;
    if (!track) {
      this.hasFrames = false;
      this.video.srcObject = null;
      this.refreshVideo();
      return;
    }
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

/** Grid shapes by participant count; CSS draws each (see .grid[data-layout] in app.css). */
export function layoutFor(count) {
  if (count <= 1) return '1';
  if (count === 2) return '2';
  if (count <= 4) return '4';
  if (count <= 9) return '9';
  return 'many';
}

export class MeetingView {
  /**
   * @param {{onAudioBlocked?: () => void, onVideoBoxesChanged?: () => void}} actions
   *   onVideoBoxesChanged: a remote video may be shown at another size (layout, spotlight, resize, tracks)
   */
  constructor(actions) {
    this.actions = actions;
    /** @type {Map<string, Tile>} */
    this.tiles = new Map();
    /** @type {Map<string, HTMLAudioElement>} */
    this.audios = new Map();
    /** participant id → their screen-share track (ours included). @type {Map<string, MediaStreamTrack>} */
    this.screens = new Map();
    /**
     * Who left (participantLeft, or gone from the roster after a rejoin), newest last, at most MAX_DEPARTED:
     * a subscribe offer applied after someone left can still carry their track, and must not bring their
     * tile back. @type {Set<string>}
     */
    this.departed = new Set();
    this.grid = $('grid');
    this.sinks = $('audio-sinks');
    this.spotlightEl = $('spotlight');
    this.spotlightVideo = $('spotlight-video');
    this.config = {};
    this.speakerId = '';
    /** performance.now() of the first decoded remote video frame. */
    this.firstFrameAt = null;
    this.localId = null;
    /** participant id whose screen is shown large, or null. */
    this.spotlight = null;
    this.activeSpeaker = null;
    if (typeof ResizeObserver === 'function') {
      const observer = new ResizeObserver(() => this.actions.onVideoBoxesChanged?.());
      observer.observe(this.grid);
      observer.observe(this.spotlightEl);
    }
  }

  /**
   * Where each remote video track is shown, for `tileSizes`: a camera in its participant's tile (cropped to
   * fill it), a screen share in the spotlight (fitted inside it). A video shown nowhere (a screen share that is
   * not in the spotlight, a tile that is hidden) has a 0 x 0 box.
   * @param {RemoteTrack[]} tracks
   * @returns {import('./tilesizes.js').VideoBox[]}
   */
  videoBoxes(tracks) {
    const boxes = [];
    for (const t of tracks) {
      if (t.kind !== 'video' || !t.active || !t.trackId) continue;
      const tile = this.tiles.get(t.participantId);
      let video = null;
      let fit = 'cover';
      if (tile && !tile.local && tile.videoTrack === t.track) {
        video = tile.video;
      } else if (this.spotlight === t.participantId && this.spotlightVideo.srcObject?.getTracks()[0] === t.track) {
        video = this.spotlightVideo;
        fit = 'contain';
      }
      const shown = !!video && video.isConnected && video.getClientRects().length > 0;
      boxes.push({
        trackId: t.trackId, fit,
        cssWidth: shown ? video.clientWidth : 0,
        cssHeight: shown ? video.clientHeight : 0,
        aspect: shown && video.videoWidth > 0 && video.videoHeight > 0 ? video.videoWidth / video.videoHeight : undefined,
      });
    }
    return boxes;
  }

  /** @param {string} id @param {{width: number, height: number, fps: number}|null} v what we decode of their camera */
  setReceivedVideo(id, v) { this.tiles.get(id)?.setReceivedVideo(v); }

  /** @param {{config: Object, interfaceConfig: Object}} cfg */
  show(cfg) {
    this.config = cfg.config;
    const wm = $('watermark');
    wm.hidden = !cfg.interfaceConfig.showWatermark;
    if (cfg.interfaceConfig.logoUrl) wm.src = cfg.interfaceConfig.logoUrl;
  }

  /**
   * Adds or updates a tile.
   * @param {Participant} p
   * @param {boolean} [local]
   */
  upsert(p, local = false) {
    this.departed.delete(p.id);
    this.tileFor(p, local).placeholder = false;
  }

  /** @private The tile of p, made if missing; updated with what p says. */
  tileFor(p, local = false) {
    let tile = this.tiles.get(p.id);
    if (!tile) {
      tile = new Tile(p, local);
      this.tiles.set(p.id, tile);
      if (local) { this.localId = p.id; this.grid.prepend(tile.el); } else this.grid.append(tile.el);
      this.layout();
    }
    tile.update(p, this.config);
    return tile;
  }

  has(id) { return this.tiles.has(id); }

  /** @returns {Participant|undefined} what we know of one participant */
  info(id) { return this.tiles.get(id)?.info; }

  /** Someone left: their tile goes, and media of theirs that arrives late makes no new one. */
  remove(id) {
    this.departed.add(id);
    if (this.departed.size > MAX_DEPARTED) this.departed.delete(this.departed.values().next().value);
    this.drop(id);
  }

  /** @private */
  drop(id) {
    this.tiles.get(id)?.el.remove();
    this.tiles.delete(id);
    const audio = this.audios.get(id);
    if (audio) { audio.srcObject = null; audio.remove(); this.audios.delete(id); }
    this.screens.delete(id);
    if (this.activeSpeaker === id) this.activeSpeaker = null;
    this.refreshSpotlight();
    this.layout();
  }

  /** Removes every tile and audio element (leaving, reconnecting). */
  clear() {
    for (const id of [...this.tiles.keys()]) this.remove(id);
    this.screens.clear();
    this.localId = null;
    this.refreshSpotlight();
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

  /** Our own screen share (shown in the spotlight like anyone's), or null when it stops. */
  setLocalScreen(track) {
    if (!this.localId) return;
    if (track) this.screens.set(this.localId, track); else this.screens.delete(this.localId);
    this.refreshSpotlight();
  }

  /**
   * The subscribe connection's tracks after an offer: each participant's camera goes to their tile,
   * their microphone to an audio element, a screen share to the spotlight.
   * @param {RemoteTrack[]} tracks
   */
  setRemoteTracks(tracks) {
    const byParticipant = new Map();
    for (const t of tracks) {
      if (!t.active) continue;
      if (!byParticipant.has(t.participantId)) byParticipant.set(t.participantId, {});
      byParticipant.get(t.participantId)[t.source] = t.track;
    }
    for (const [id, media] of byParticipant) {
      if (id === this.localId || this.departed.has(id)) continue;
      if (!this.tiles.has(id)) {
        // Media before the participant's details: a placeholder until participantJoined/Updated.
        this.tileFor({ id, displayName: '', audioMuted: false, videoMuted: false }).placeholder = true;
      }
      this.tiles.get(id).setVideo(media.camera ?? null, () => {
        if (this.firstFrameAt == null) this.firstFrameAt = performance.now();
        joinMarks.mark('firstRemoteFrame');
      });
      if (media.microphone) this.attachAudio(id, media.microphone);
      if (media.screen) this.screens.set(id, media.screen); else this.screens.delete(id);
    }
    for (const [id, tile] of [...this.tiles]) {
      if (tile.local || (byParticipant.has(id) && !this.departed.has(id))) continue;
      // a placeholder nobody announced, whose media is gone, was never a participant we knew
      if (tile.placeholder) { this.drop(id); continue; }
      tile.setVideo(null, () => {});
      this.screens.delete(id);
    }
    this.refreshSpotlight();
  }

  /** @private */
  attachAudio(participantId, track) {
    let audio = this.audios.get(participantId);
    if (audio?.srcObject?.getTracks()[0] === track) return;
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

  /**
   * The spotlight shows the newest screen share: someone else's before our own, so a presenter
   * looking at their own screen is not the default.
   * @private
   */
  refreshSpotlight() {
    const ids = [...this.screens.keys()].filter((id) => this.tiles.has(id));
    const remote = ids.filter((id) => id !== this.localId);
    const keep = this.spotlight && ids.includes(this.spotlight) && (this.spotlight !== this.localId || remote.length === 0);
    const next = keep ? this.spotlight : (remote[remote.length - 1] ?? ids[0] ?? null);
    const track = next ? this.screens.get(next) : null;
    if (this.spotlightVideo.srcObject?.getTracks()[0] !== track) {
      this.spotlightVideo.srcObject = track ? new MediaStream([track]) : null;
      this.spotlightVideo.play?.().catch(() => {});
    }
    this.spotlight = next;
    this.spotlightEl.hidden = !next;
    this.spotlightEl.dataset.participantId = next ?? '';
    $('view-meeting').classList.toggle('has-spotlight', !!next);
    if (next) {
      const tile = this.tiles.get(next);
      const name = tile.local ? 'Your screen' : `${tile.info.displayName?.trim() || 'Guest'}'s screen`;
      $('spotlight-label').textContent = name;
      this.spotlightVideo.setAttribute('aria-label', name);
    }
    for (const tile of this.tiles.values()) tile.el.classList.toggle('sharing', this.screens.has(tile.id));
    this.actions.onVideoBoxesChanged?.();
  }

  /**
   * Whose camera the server pauses for us (last-N): their tiles show the avatar.
   * @param {Set<string>} participantIds
   */
  setPausedVideo(participantIds) {
    for (const tile of this.tiles.values()) {
      if (!tile.local) tile.setForwardingPaused(participantIds.has(tile.id));
    }
  }

  /** Highlights who is talking (or nobody). @param {string|null} id */
  setActiveSpeaker(id) {
    if (id === this.activeSpeaker) return;
    this.tiles.get(this.activeSpeaker)?.el.classList.remove('speaking');
    this.activeSpeaker = id && this.tiles.has(id) ? id : null;
    this.tiles.get(this.activeSpeaker)?.el.classList.add('speaking');
  }

  /** @param {string} id @param {Quality|null} q */
  setQuality(id, q) { this.tiles.get(id)?.setQuality(q); }

  /** @param {string} id @param {number} bps the server's estimate of what this participant can receive */
  setDownlink(id, bps) { this.tiles.get(id)?.setDownlink(bps); }

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
    this.grid.dataset.layout = layoutFor(n);
    this.grid.dataset.count = String(n);
    this.actions.onVideoBoxesChanged?.();
  }

  /** @returns {Array<Participant & {local: boolean, handRaised: boolean, screenSharing: boolean}>} yourself first */
  participants() {
    return [...this.tiles.values()]
      .sort((a, b) => Number(b.local) - Number(a.local))
      .map((t) => ({
        id: t.id,
        displayName: t.info.displayName ?? '',
        audioMuted: !!t.info.audioMuted,
        videoMuted: !!t.info.videoMuted,
        moderator: !!t.info.moderator,
        handRaised: !!t.info.handRaised,
        reconnecting: !!t.info.reconnecting,
        screenSharing: !!t.info.screenSharing || this.screens.has(t.id),
        quality: t.info.quality ?? null,
        downlinkBps: t.info.downlinkBps ?? null,
        receivedVideo: t.info.receivedVideo ?? null,
        connection: t.info.connection ?? null,
        local: t.local,
      }));
  }
}
