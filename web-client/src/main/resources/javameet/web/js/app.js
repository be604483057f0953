// Entry point: routes "/" to the welcome page and "/<room>" to prejoin → meeting, owns the
// signaling connection (with reconnects) and exposes window.javameet for automated tests.

import { SignalingConnection, signalingUrl, ROOM_NAME_PATTERN, MAX_DISPLAY_NAME } from './protocol.js';
import { buildConfig, DEFAULT_INTERFACE_CONFIG } from './config.js';
import { MediaSession } from './session.js';
import { getLocalMedia, savedDisplayName, savedDevices } from './media.js';
import { Prejoin, setToggle } from './prejoin.js';
import { MeetingView } from './meeting.js';

const $ = (id) => document.getElementById(id);

// ---------- small UI helpers ----------

function showView(name) {
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== `view-${name}`;
}

/** A short message in the corner, for 6 s. */
export function toast(text) {
  const el = document.createElement('div');
  el.className = 'toast';
  el.textContent = text;
  $('toasts').append(el);
  setTimeout(() => el.remove(), 6000);
  return el;
}

function banner(text) {
  const el = $('banner');
  el.textContent = text ?? '';
  el.hidden = !text;
}

function applyBranding(interfaceConfig, room) {
  const appName = interfaceConfig.appName || DEFAULT_INTERFACE_CONFIG.appName;
  $('app-name').textContent = appName;
  document.title = room ? `${room} | ${appName}` : appName;
  if (interfaceConfig.logoUrl) {
    for (const id of ['brand-logo', 'welcome-logo', 'watermark']) $(id).src = interfaceConfig.logoUrl;
  }
}

const ADJECTIVES = ['Brave', 'Calm', 'Clever', 'Gentle', 'Happy', 'Quiet', 'Swift', 'Bright', 'Kind', 'Bold',
  'Merry', 'Sunny', 'Witty', 'Lucky', 'Noble', 'Curious'];
const NOUNS = ['Otters', 'Falcons', 'Badgers', 'Herons', 'Foxes', 'Owls', 'Pandas', 'Lynxes', 'Dolphins',
  'Ravens', 'Beavers', 'Koalas', 'Puffins', 'Tigers', 'Walruses', 'Wombats'];

export function randomRoomName() {
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  return `${pick(ADJECTIVES)}${pick(NOUNS)}${10 + Math.floor(Math.random() * 90)}`;
}

/** "/" → {home}, "/Room1" or "/Room1/" → {room}, anything else → {bad}. */
function parseRoute(pathname) {
  const path = pathname.replace(/\/+$/, '');
  if (path === '') return { kind: 'home' };
  let room;
  try { room = decodeURIComponent(path.slice(1)); } catch { return { kind: 'bad', room: path.slice(1) }; }
  return ROOM_NAME_PATTERN.test(room) ? { kind: 'room', room } : { kind: 'bad', room };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------- "/" ----------

async function welcomePage(hook) {
  hook.state = 'welcome';
  showView('welcome');
  const input = $('room-input');
  const suggestion = randomRoomName();
  input.placeholder = suggestion;
  $('welcome-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const room = input.value.trim() || suggestion;
    if (!ROOM_NAME_PATTERN.test(room)) {
      input.setCustomValidity('Use letters, digits and . _ ~ - only, up to 64 characters.');
      input.reportValidity();
      return;
    }
    location.assign(`/${encodeURIComponent(room)}`);
  });
  input.addEventListener('input', () => input.setCustomValidity(''));
  input.focus();

  // Branding comes with the server's welcome; the defaults stand if the server is not reachable.
  let ic = { ...DEFAULT_INTERFACE_CONFIG };
  const conn = new SignalingConnection(signalingUrl());
  try {
    const welcome = await conn.connect(3000);
    ic = buildConfig(welcome, location.hash).interfaceConfig;
  } catch (e) {
    console.info('welcome page: server config unavailable, using defaults', e.message);
  } finally {
    conn.close();
  }
  applyBranding(ic);
  $('welcome-title').textContent = ic.appName;
  $('welcome-text').textContent = ic.welcomeText;
}

// ---------- "/<room>" ----------

class RoomApp {
  constructor(room, hook) {
    this.room = room;
    this.hook = hook;
    /** @type {SignalingConnection|null} */
    this.signaling = null;
    /** @type {MediaSession|null} */
    this.session = null;
    this.cfg = buildConfig(null, location.hash);
    this.stream = new MediaStream();
    this.displayName = '';
    this.audioMuted = false;
    this.videoMuted = false;
    this.participantId = null;
    this.joinedAt = null;
    this.prejoin = null;
    this.reconnectAttempt = 0;
    this.reconnecting = false;
    this.view = new MeetingView({
      onToggleMic: () => this.toggleMic(),
      onToggleCamera: () => this.toggleCamera(),
      onLeave: () => this.leave(),
      onAudioBlocked: () => this.audioBlocked(),
    });
    $('rejoin-button').addEventListener('click', () => this.rejoin());
  }

  set state(s) { this.hook.state = s; }
  get state() { return this.hook.state; }

  async start() {
    $('room-label').textContent = this.room;
    applyBranding(this.cfg.interfaceConfig, this.room);
    this.state = 'connecting';
    showView('connecting');
    await this.connect();
    const initialName = (this.cfg.userInfo.displayName ?? savedDisplayName()).slice(0, MAX_DISPLAY_NAME);
    this.audioMuted = !!this.cfg.config.startWithAudioMuted;
    this.videoMuted = !!this.cfg.config.startWithVideoMuted;

    if (this.cfg.config.prejoinPageEnabled) {
      this.prejoin = new Prejoin({ config: this.cfg.config, displayName: initialName, roomName: this.room });
      this.state = 'prejoin';
      showView('prejoin');
      this.prejoin.setJoinable(!!this.signaling?.open);
      const choice = await this.prejoin.run();
      this.prejoin = null;
      Object.assign(this, {
        displayName: choice.displayName, stream: choice.stream,
        audioMuted: choice.audioMuted, videoMuted: choice.videoMuted,
      });
      this.view.setSpeaker(choice.speakerId);
    } else {
      this.displayName = initialName;
      await this.acquireMedia();
    }
    await this.join();
  }

  /** Camera and microphone without the prejoin page (prejoin disabled, or rejoining). */
  async acquireMedia() {
    const devices = savedDevices();
    const { stream, problems } = await getLocalMedia({
      audioDeviceId: devices.audioinput, videoDeviceId: devices.videoinput,
    });
    problems.forEach((p) => toast(p));
    this.stream = stream;
    this.applyTrackMute();
    this.view.setSpeaker(devices.audiooutput);
  }

  /**
   * Opens the signaling connection, retrying with backoff until the server's welcome arrives.
   */
  async connect() {
    for (;;) {
      const conn = new SignalingConnection(signalingUrl());
      try {
        const welcome = await conn.connect();
        this.signaling = conn;
        this.reconnectAttempt = 0;
        this.cfg = buildConfig(welcome, location.hash);
        applyBranding(this.cfg.interfaceConfig, this.room);
        this.listen(conn);
        banner(null);
        return;
      } catch (e) {
        conn.close();
        const delay = this.backoff();
        console.warn(`signaling: ${e.message}; retrying in ${Math.round(delay / 1000)} s`);
        banner(this.state === 'connecting' ? 'Cannot reach the server — retrying…' : 'Connection lost — reconnecting…');
        await sleep(delay);
      }
    }
  }

  backoff() {
    const base = Math.min(15_000, 1000 * 2 ** this.reconnectAttempt++);
    return base / 2 + Math.random() * base / 2;
  }

  /** @param {SignalingConnection} conn */
  listen(conn) {
    const inMeeting = () => conn === this.signaling && (this.state === 'joined' || this.state === 'joining');
    conn.on('participantJoined', (m) => { if (inMeeting()) this.view.upsert(m.participant); });
    conn.on('participantUpdated', (m) => {
      if (!inMeeting()) return;
      const isMe = m.participant.id === this.participantId;
      // Our own mute state is ours: the server's echo must not undo a newer toggle.
      this.view.upsert(isMe ? { ...m.participant, audioMuted: this.audioMuted, videoMuted: this.videoMuted } : m.participant, isMe);
    });
    conn.on('participantLeft', (m) => { if (inMeeting()) this.view.remove(m.participantId); });
    conn.on('error', (m) => {
      console.warn(`server error ${m.code}${m.requestType ? ` (${m.requestType})` : ''}: ${m.message}`);
      toast(`Server: ${m.message || m.code}`);
    });
    conn.on('close', (ev) => {
      if (ev.expected || conn !== this.signaling) return;
      this.connectionLost(`socket closed (${ev.code})`);
    });
  }

  async join() {
    this.state = 'joining';
    showView('connecting');
    $('connecting-text').textContent = 'Joining…';
    const conn = this.signaling;
    // The session listens before join is sent, so an offer right after `joined` is never missed.
    this.session?.close();
    this.session = new MediaSession(conn, {
      onTrack: (pid, track) => this.view.attachTrack(pid, track),
      onConnectionState: (which, st) => this.mediaState(which, st),
      onError: (msg) => toast(msg),
    });
    let joined;
    try {
      const hasAudio = this.stream.getAudioTracks().length > 0;
      const hasVideo = this.stream.getVideoTracks().length > 0;
      joined = await conn.join(this.room, this.displayName,
        this.audioMuted || !hasAudio, this.videoMuted || !hasVideo);
    } catch (e) {
      if (e.code) { this.fatal('Could not join the meeting', e.message); return; }
      return; // the connection dropped: connectionLost() retries
    }
    if (conn !== this.signaling) return;
    this.participantId = joined.you.id;
    this.view.clear();
    this.view.show(this.cfg);
    this.view.upsert({ ...joined.you, audioMuted: this.audioMuted || !this.hasTrack('audio'),
      videoMuted: this.videoMuted || !this.hasTrack('video') }, true);
    for (const p of joined.participants ?? []) this.view.upsert(p);
    this.view.setLocalStream(this.stream);
    this.refreshToolbar();
    showView('meeting');
    this.state = 'joined';
    this.joinedAt = performance.now();
    try {
      await this.session.publish(this.stream);
    } catch (e) {
      console.warn('publish failed', e);
      toast(`Could not send your camera and microphone: ${e.message}`);
    }
  }

  hasTrack(kind) { return this.stream.getTracks().some((t) => t.kind === kind); }

  applyTrackMute() {
    for (const t of this.stream.getAudioTracks()) t.enabled = !this.audioMuted;
    for (const t of this.stream.getVideoTracks()) t.enabled = !this.videoMuted;
  }

  refreshToolbar() {
    setToggle($('toggle-mic'), !this.audioMuted && this.hasTrack('audio'), 'microphone', 'mic', !this.hasTrack('audio'));
    setToggle($('toggle-camera'), !this.videoMuted && this.hasTrack('video'), 'camera', 'camera', !this.hasTrack('video'));
  }

  toggleMic() {
    if (this.state !== 'joined') return;
    if (!this.hasTrack('audio')) { toast('No microphone available.'); return; }
    this.audioMuted = !this.audioMuted;
    this.mediaChanged({ audioMuted: this.audioMuted });
  }

  toggleCamera() {
    if (this.state !== 'joined') return;
    if (!this.hasTrack('video')) { toast('No camera available.'); return; }
    this.videoMuted = !this.videoMuted;
    this.mediaChanged({ videoMuted: this.videoMuted });
  }

  /** Mute keeps the m-line (track.enabled = false sends silence / black) and tells the others. */
  mediaChanged(change) {
    this.applyTrackMute();
    this.signaling?.updateMedia(change);
    this.view.upsert({ id: this.participantId, ...change }, true);
    this.refreshToolbar();
  }

  mediaState(which, st) {
    if (st !== 'failed' || this.state !== 'joined') return;
    console.warn(`${which} connection failed`);
    toast('The media connection failed — reconnecting…');
    this.signaling?.close();
    this.connectionLost(`${which} connection failed`);
  }

  /** The socket dropped (or media failed): reconnect and, if we were in the meeting, rejoin. */
  async connectionLost(why) {
    if (this.reconnecting || this.state === 'left' || this.state === 'error') return;
    this.reconnecting = true;
    console.warn(`connection lost: ${why}`);
    banner('Connection lost — reconnecting…');
    const wasInMeeting = this.state === 'joined' || this.state === 'joining';
    this.session?.close();
    this.session = null;
    this.prejoin?.setJoinable(false);
    await sleep(this.backoff());
    await this.connect();
    this.reconnecting = false;
    if (this.state === 'left') { this.signaling.close(); return; }
    if (wasInMeeting) await this.join();
    else this.prejoin?.setJoinable(true);
  }

  leave() {
    if (this.state !== 'joined' && this.state !== 'joining') return;
    this.state = 'left';
    this.signaling?.leave();
    this.signaling?.close(); // queued frames (the leave) go out before the close
    this.session?.close();
    this.session = null;
    this.stream.getTracks().forEach((t) => t.stop());
    this.view.clear();
    this.view.hide();
    banner(null);
    showView('left');
    $('rejoin-button').focus();
  }

  async rejoin() {
    this.state = 'connecting';
    showView('connecting');
    $('connecting-text').textContent = 'Connecting…';
    await this.connect();
    await this.acquireMedia();
    await this.join();
  }

  audioBlocked() {
    if (this.audioHintShown) return;
    this.audioHintShown = true;
    toast('Click anywhere to turn on the sound.');
    document.addEventListener('pointerdown', () => { this.audioHintShown = false; this.view.resumeAudio(); }, { once: true });
  }

  fatal(title, text) {
    this.state = 'error';
    this.session?.close();
    this.signaling?.close();
    this.stream.getTracks().forEach((t) => t.stop());
    banner(null);
    $('error-title').textContent = title;
    $('error-text').textContent = text;
    showView('error');
  }

  async stats() {
    return this.session ? this.session.stats() : { inbound: [], outbound: [] };
  }
}

// ---------- boot ----------

function main() {
  const route = parseRoute(location.pathname);
  /** @type {{state: string, app: RoomApp|null}} */
  const hook = { state: 'connecting', app: null };
  const app = route.kind === 'room' ? new RoomApp(route.room, hook) : null;
  hook.app = app;

  /**
   * Stable hook for automated browser tests (Selenium, headless Chromium). Keep it compatible.
   * @typedef {Object} JavameetTestHook
   * @property {'connecting'|'welcome'|'prejoin'|'joining'|'joined'|'left'|'error'} state
   * @property {string|null} room
   * @property {string|null} participantId our id from `joined`
   * @property {() => Array<{id:string, displayName:string, audioMuted:boolean, videoMuted:boolean,
   *            moderator:boolean, local:boolean}>} participants everyone with a tile, yourself first
   * @property {RTCPeerConnection|null} publishPc null until joined with at least one track
   * @property {RTCPeerConnection|null} subscribePc null until the first subscribeOffer
   * @property {() => Promise<{inbound:Object[], outbound:Object[]}>} stats see MediaSession.stats()
   * @property {number|null} joinedAt performance.now() when `joined` arrived
   * @property {number|null} firstFrameAt performance.now() of the first decoded remote video frame
   * @property {Object|null} config the effective {config, interfaceConfig, userInfo}
   */
  window.javameet = Object.freeze({
    get state() { return hook.state; },
    get room() { return app?.room ?? null; },
    get participantId() { return app?.participantId ?? null; },
    participants: () => app?.view.participants() ?? [],
    get publishPc() { return app?.session?.publishPc ?? null; },
    get subscribePc() { return app?.session?.subscribePc ?? null; },
    stats: async () => (app ? app.stats() : { inbound: [], outbound: [] }),
    get joinedAt() { return app?.joinedAt ?? null; },
    get firstFrameAt() { return app?.view.firstFrameAt ?? null; },
    get config() { return app?.cfg ?? null; },
  });

  if (route.kind === 'home') { welcomePage(hook); return; }
  if (route.kind === 'bad') {
    hook.state = 'error';
    $('error-title').textContent = 'Invalid meeting name';
    $('error-text').textContent = 'Meeting names use letters, digits and . _ ~ - only, up to 64 characters.';
    showView('error');
    return;
  }
  app.start().catch((e) => {
    console.error(e);
    app.fatal('Something went wrong', e.message);
  });
}

main();
