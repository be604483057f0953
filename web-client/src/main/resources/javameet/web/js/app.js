// Entry point: routes "/" to the welcome page and "/<room>" to prejoin → meeting, owns the
// signaling connection (with reconnects) and exposes window.javameet for automated tests.

import { SignalingConnection, signalingUrl, pageToken, ROOM_NAME_PATTERN, MAX_DISPLAY_NAME } from './protocol.js';
import { buildConfig, DEFAULT_INTERFACE_CONFIG } from './config.js';
import { MediaSession } from './session.js';
import { getLocalMedia, savedDisplayName, savedDevices, LevelMeter } from './media.js';
import { Prejoin, setToggle } from './prejoin.js';
import { MeetingView } from './meeting.js';
import { ChatPanel } from './chat.js';
import { ParticipantsPanel } from './participants.js';
import { StatsMonitor } from './quality.js';
import { ACCESS_PAGES, askPassword, LobbyRequests } from './access.js';

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
    /** `?jwt=` of the page, passed to /ws and in `join`. */
    this.jwt = pageToken();
    /** The room password the user typed, sent with every (re)join. */
    this.password = null;
    this.handRaised = false;
    /** @type {MediaStreamTrack|null} our screen share */
    this.screenTrack = null;
    this.roomState = { locked: false, lobbyEnabled: false };
    this.lobbyWaiting = false;
    this.errorCode = null;
    this.view = new MeetingView({
      onToggleMic: () => this.toggleMic(),
      onToggleCamera: () => this.toggleCamera(),
      onToggleScreen: () => this.toggleScreen(),
      onToggleHand: () => this.toggleHand(),
      onToggleChat: () => this.togglePanel(this.chat),
      onToggleParticipants: () => this.togglePanel(this.people),
      onLeave: () => this.leave(),
      onAudioBlocked: () => this.audioBlocked(),
    });
    this.chat = new ChatPanel({ onSend: (text) => !!this.signaling?.chat(text) });
    this.people = new ParticipantsPanel({
      onMute: (id) => this.signaling?.muteParticipant(id, 'audio'),
      onKick: (id) => this.signaling?.kick(id),
      onMuteAll: () => { this.signaling?.muteAll('audio'); toast('You muted everyone else.'); },
      onSetPassword: (pw) => this.signaling?.setPassword(pw),
      onSetLobby: (on) => this.signaling?.setLobby(on),
    });
    this.lobbyRequests = new LobbyRequests((id, admit) => this.signaling?.lobbyDecision(id, admit));
    this.monitor = new StatsMonitor(() => this.session, {
      localId: () => this.participantId,
      localLevel: () => this.localLevel(),
      isMuted: (id) => !!this.view.info(id)?.audioMuted,
      onSpeaker: (id) => this.view.setActiveSpeaker(id),
      onQuality: (id, q) => this.view.setQuality(id, q),
    });
    $('rejoin-button').addEventListener('click', () => this.rejoin());
    $('lobby-leave').addEventListener('click', () => this.leave());
    $('toggle-screen').hidden = !navigator.mediaDevices?.getDisplayMedia;
  }

  get moderator() { return !!(this.participantId && this.view.info(this.participantId)?.moderator); }

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

    // A required name that is missing needs the prejoin page even where it is turned off.
    const mustAskName = !!this.cfg.config.requireDisplayName && initialName.trim() === '';
    if (this.cfg.config.prejoinPageEnabled || mustAskName) {
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
      const conn = new SignalingConnection(signalingUrl(location, this.jwt));
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
    conn.on('participantJoined', (m) => { if (inMeeting()) { this.view.upsert(m.participant); this.refreshPanels(); } });
    conn.on('participantUpdated', (m) => {
      if (!inMeeting()) return;
      const isMe = m.participant.id === this.participantId;
      // Our own mute and hand state is ours: the server's echo must not undo a newer toggle.
      this.view.upsert(isMe ? { ...m.participant, audioMuted: this.audioMuted || !this.hasTrack('audio'),
        videoMuted: this.videoMuted || !this.hasTrack('video'), handRaised: this.handRaised } : m.participant, isMe);
      this.refreshPanels();
    });
    conn.on('participantLeft', (m) => {
      if (!inMeeting()) return;
      const name = this.nameOf(m.participantId);
      this.view.remove(m.participantId);
      if (m.reason === 'kicked') toast(`${name} was removed from the meeting.`);
      this.refreshPanels();
    });
    conn.on('chat', (m) => { if (inMeeting()) this.chat.add(m, m.from === this.participantId); });
    conn.on('muteRequest', (m) => { if (inMeeting()) this.muteRequested(m); });
    conn.on('kicked', (m) => {
      if (conn !== this.signaling) return;
      const by = m.by ? this.nameOf(m.by) : 'A moderator';
      this.fatal(ACCESS_PAGES.kicked.title, `${by} removed you${m.reason ? `: ${m.reason}` : '.'}`, 'kicked');
    });
    conn.on('roomUpdated', (m) => {
      if (conn !== this.signaling) return;
      const before = this.roomState;
      this.roomState = { locked: !!m.locked, lobbyEnabled: !!m.lobbyEnabled };
      if (this.state === 'joined' && before.lobbyEnabled !== this.roomState.lobbyEnabled) {
        toast(this.roomState.lobbyEnabled ? 'The lobby is on: newcomers wait to be admitted.' : 'The lobby is off.');
      }
      if (this.state === 'joined' && before.locked !== this.roomState.locked) {
        toast(this.roomState.locked ? 'The meeting is locked with a password.' : 'The meeting password was removed.');
      }
      this.refreshPanels();
    });
    conn.on('lobbyRequest', (m) => { if (conn === this.signaling) this.lobbyRequests.add(m); });
    conn.on('lobbyResolved', (m) => { if (conn === this.signaling) this.lobbyRequests.remove(m.requestId); });
    conn.on('error', (m) => {
      console.warn(`server error ${m.code}${m.requestType ? ` (${m.requestType})` : ''}: ${m.message}`);
      if (m.requestType === 'join' || m.code in ACCESS_PAGES || m.code === 'password-required' || m.code === 'wrong-password') return;
      toast(m.code === 'not-moderator' ? 'Only a moderator can do that.' : `Server: ${m.message || m.code}`);
    });
    conn.on('close', (ev) => {
      if (ev.expected || conn !== this.signaling) return;
      this.connectionLost(`socket closed (${ev.code})`);
    });
  }

  /**
   * Our microphone's level as getSynchronizationSources() reports others' (linear 0..1), from an
   * analyser on the local track; 0 while muted.
   */
  localLevel() {
    const track = this.stream.getAudioTracks()[0];
    if (!track || this.audioMuted || track.readyState !== 'live') return 0;
    if (this.meter?.track !== track) {
      this.meter?.stop();
      try { this.meter = Object.assign(new LevelMeter(track), { track }); } catch { this.meter = null; return 0; }
    }
    return this.meter.rms();
  }

  /** @param {string} id */
  nameOf(id) {
    if (id === this.participantId) return 'You';
    return this.view.info(id)?.displayName?.trim() || 'Someone';
  }

  async join() {
    this.state = 'joining';
    showView('connecting');
    $('connecting-text').textContent = 'Joining…';
    const conn = this.signaling;
    // The session listens before join is sent, so an offer right after `joined` is never missed.
    this.session?.close();
    this.session = new MediaSession(conn, {
      onTracks: (tracks) => this.view.setRemoteTracks(tracks),
      onConnectionState: (which, st) => this.mediaState(which, st),
      onError: (msg) => toast(msg),
    });
    let joined;
    try {
      joined = await conn.join({
        room: this.room, displayName: this.displayName,
        audioMuted: this.audioMuted || !this.hasTrack('audio'),
        videoMuted: this.videoMuted || !this.hasTrack('video'),
        password: this.password, jwt: this.jwt,
        onWaiting: () => {
          this.lobbyWaiting = true;
          this.state = 'lobby';
          showView('lobby');
        },
      });
    } catch (e) {
      this.lobbyWaiting = false;
      if (conn !== this.signaling) return;
      if (e.code === 'password-required' || e.code === 'wrong-password') { await this.passwordNeeded(e.code); return; }
      if (ACCESS_PAGES[e.code]) { this.fatal(ACCESS_PAGES[e.code].title, ACCESS_PAGES[e.code].text(e.message), e.code); return; }
      if (e.code) { this.fatal('Could not join the meeting', e.message, e.code); return; }
      return; // the connection dropped: connectionLost() retries
    }
    this.lobbyWaiting = false;
    if (conn !== this.signaling || this.state === 'left') return;
    this.participantId = joined.you.id;
    this.view.clear();
    this.view.show(this.cfg);
    // After a reconnect the server has forgotten our hand: raise it again.
    if (this.handRaised) conn.raiseHand(true);
    this.view.upsert({ ...joined.you, audioMuted: this.audioMuted || !this.hasTrack('audio'),
      videoMuted: this.videoMuted || !this.hasTrack('video'), handRaised: this.handRaised }, true);
    for (const p of joined.participants ?? []) this.view.upsert(p);
    this.view.setLocalStream(this.stream);
    this.refreshToolbar();
    this.refreshPanels();
    showView('meeting');
    this.state = 'joined';
    this.joinedAt = performance.now();
    this.monitor.start();
    try {
      await this.session.publish(this.stream);
    } catch (e) {
      console.warn('publish failed', e);
      toast(`Could not send your camera and microphone: ${e.message}`);
    }
  }

  /** The room is locked: ask for the password and join again with it. */
  async passwordNeeded(code) {
    this.state = 'password';
    showView('password');
    this.password = await askPassword(code === 'wrong-password' && this.password != null);
    if (this.state !== 'password') return;
    if (!this.signaling?.open) await this.connect();
    await this.join();
  }

  hasTrack(kind) { return this.stream.getTracks().some((t) => t.kind === kind); }

  applyTrackMute() {
    for (const t of this.stream.getAudioTracks()) t.enabled = !this.audioMuted;
    for (const t of this.stream.getVideoTracks()) t.enabled = !this.videoMuted;
  }

  refreshToolbar() {
    setToggle($('toggle-mic'), !this.audioMuted && this.hasTrack('audio'), 'microphone', 'mic', !this.hasTrack('audio'));
    setToggle($('toggle-camera'), !this.videoMuted && this.hasTrack('video'), 'camera', 'camera', !this.hasTrack('video'));
    const screen = $('toggle-screen');
    screen.classList.toggle('active', !!this.screenTrack);
    screen.setAttribute('aria-pressed', String(!!this.screenTrack));
    screen.setAttribute('aria-label', this.screenTrack ? 'Stop sharing your screen (D)' : 'Share your screen (D)');
    screen.title = screen.getAttribute('aria-label');
    const hand = $('toggle-hand');
    hand.classList.toggle('active', this.handRaised);
    hand.setAttribute('aria-pressed', String(this.handRaised));
    hand.setAttribute('aria-label', this.handRaised ? 'Lower your hand (R)' : 'Raise your hand (R)');
    hand.title = hand.getAttribute('aria-label');
  }

  refreshPanels() {
    this.people.render({
      participants: this.view.participants(), moderator: this.moderator,
      config: this.cfg.config, roomState: this.roomState,
    });
  }

  /** Chat and participants share the side: opening one closes the other. */
  togglePanel(panel) {
    if (this.state !== 'joined') return;
    const open = !panel.open;
    for (const p of [this.chat, this.people]) p.setOpen(p === panel && open);
    $('view-meeting').classList.toggle('has-panel', open);
  }

  toggleHand() {
    if (this.state !== 'joined') return;
    this.handRaised = !this.handRaised;
    this.signaling?.raiseHand(this.handRaised);
    this.view.upsert({ id: this.participantId, handRaised: this.handRaised }, true);
    this.refreshToolbar();
    this.refreshPanels();
  }

  async toggleScreen() {
    if (this.state !== 'joined') return;
    if (this.screenTrack) { await this.stopScreen(); return; }
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    } catch (e) {
      if (e.name !== 'NotAllowedError' && e.name !== 'AbortError') toast(`Could not share the screen: ${e.message}`);
      return;
    }
    const track = stream.getVideoTracks()[0];
    if (!track || this.state !== 'joined') { stream.getTracks().forEach((t) => t.stop()); return; }
    this.screenTrack = track;
    // The browser's own "Stop sharing" button ends the track.
    track.addEventListener('ended', () => { if (this.screenTrack === track) this.stopScreen(); });
    this.view.setLocalScreen(track);
    this.view.upsert({ id: this.participantId, screenSharing: true }, true);
    this.refreshToolbar();
    await this.session?.startScreen(track);
  }

  async stopScreen() {
    const track = this.screenTrack;
    if (!track) return;
    this.screenTrack = null;
    track.stop();
    this.view.setLocalScreen(null);
    if (this.participantId) this.view.upsert({ id: this.participantId, screenSharing: false }, true);
    this.refreshToolbar();
    await this.session?.stopScreen();
  }

  /** A moderator muted us: turn that track off and tell everyone, as if we had pressed the button. */
  muteRequested(m) {
    const who = m.by ? this.nameOf(m.by) : 'A moderator';
    if (m.kind === 'video') {
      if (!this.videoMuted) { this.videoMuted = true; this.mediaChanged({ videoMuted: true }); }
      toast(`${who} turned your camera off`);
    } else {
      if (!this.audioMuted) { this.audioMuted = true; this.mediaChanged({ audioMuted: true }); }
      toast(`${who} muted you`);
    }
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
    this.refreshPanels();
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
    const wasInMeeting = ['joined', 'joining', 'lobby', 'password'].includes(this.state);
    this.monitor.stop();
    if (this.screenTrack) { this.screenTrack.stop(); this.screenTrack = null; this.view.setLocalScreen(null); }
    this.lobbyRequests.clear();
    this.session?.close();
    this.session = null;
    this.prejoin?.setJoinable(false);
    await sleep(this.backoff());
    await this.connect();
    this.reconnecting = false;
    if (this.state === 'left') { this.signaling.close(); return; }
    if (wasInMeeting && this.state !== 'password') await this.join();
    else this.prejoin?.setJoinable(true);
  }

  leave() {
    if (!['joined', 'joining', 'lobby'].includes(this.state)) return;
    this.state = 'left';
    this.signaling?.leave();
    this.signaling?.close(); // queued frames (the leave) go out before the close
    this.teardown();
    this.view.clear();
    this.view.hide();
    banner(null);
    showView('left');
    $('rejoin-button').focus();
  }

  async rejoin() {
    this.chat.clear();
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

  /** Stops everything that runs while in the meeting. */
  teardown() {
    this.monitor.stop();
    this.meter?.stop();
    this.meter = null;
    this.session?.close();
    this.session = null;
    this.screenTrack?.stop();
    this.screenTrack = null;
    this.handRaised = false;
    this.stream.getTracks().forEach((t) => t.stop());
    this.lobbyRequests.clear();
    this.chat.setOpen(false);
    this.people.setOpen(false);
    $('view-meeting').classList.remove('has-panel');
  }

  /**
   * A page that ends this visit: refused, removed or broken.
   * @param {string} title @param {string} text @param {string} [code] for tests: `javameet.errorCode`
   */
  fatal(title, text, code = 'error') {
    this.state = 'error';
    this.errorCode = code;
    this.signaling?.close();
    this.teardown();
    this.view.clear();
    this.view.hide();
    banner(null);
    $('error-title').textContent = title;
    $('error-text').textContent = text;
    $('view-error').dataset.code = code;
    showView('error');
  }

  async stats() {
    return this.session ? this.session.stats() : { inbound: [], outbound: [], remoteInbound: [], localAudioLevel: 0 };
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
   * @property {'connecting'|'welcome'|'prejoin'|'joining'|'lobby'|'password'|'joined'|'left'|'error'} state
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
   * @property {() => Array<{from:string, displayName:string, text:string, ts:number, local:boolean}>} chatMessages
   * @property {number} chatUnread messages that arrived while the chat was closed
   * @property {boolean} handRaised our own hand
   * @property {boolean} screenSharing we are sharing our screen
   * @property {string|null} spotlight the participant whose screen is shown large
   * @property {string|null} activeSpeaker the highlighted tile's participant
   * @property {boolean} moderator we are a moderator
   * @property {{waiting: boolean, enabled: boolean, requests: Array<{requestId:string, displayName:string}>}} lobby
   *           waiting: we wait in the lobby; enabled: the room's lobby is on; requests: people waiting (moderators)
   * @property {{locked: boolean, lobbyEnabled: boolean}} roomState from `roomUpdated`
   * @property {string|null} errorCode why the error page shows: a server error code, `kicked`, or `error`
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
    chatMessages: () => (app ? app.chat.messages.map((m) => ({ ...m })) : []),
    get chatUnread() { return app?.chat.unread ?? 0; },
    get handRaised() { return app?.handRaised ?? false; },
    get screenSharing() { return !!app?.screenTrack; },
    get spotlight() { return app?.view.spotlight ?? null; },
    get activeSpeaker() { return app?.view.activeSpeaker ?? null; },
    get moderator() { return app?.moderator ?? false; },
    get lobby() {
      return { waiting: !!app?.lobbyWaiting, enabled: !!app?.roomState.lobbyEnabled, requests: app?.lobbyRequests.list() ?? [] };
    },
    get roomState() { return { ...(app?.roomState ?? { locked: false, lobbyEnabled: false }) }; },
    get errorCode() { return app?.errorCode ?? null; },
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
