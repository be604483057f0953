// Entry point: routes "/" to the welcome page and "/<room>" to prejoin → meeting, wires the views
// to the join / reconnect state machine (joinflow.js) and exposes window.javameet for automated tests.

import { SignalingConnection, signalingUrl, pageToken, forgetPageToken, ROOM_NAME_PATTERN, MAX_DISPLAY_NAME } from './protocol.js';
import { buildConfig } from './config.js';
import { JoinFlow, statusLine } from './joinflow.js';
import { MediaSession } from './session.js';
import { getLocalMedia, savedDisplayName, savedDevices, LevelMeter } from './media.js';
import { Prejoin } from './prejoin.js';
import { MeetingView } from './meeting.js';
import { Toolbar } from './toolbar.js';
import { ScreenShare } from './screenshare.js';
import { Moderation } from './moderation.js';
import { ChatPanel } from './chat.js';
import { ParticipantsPanel } from './participants.js';
import { StatsMonitor } from './quality.js';
import { PathReporter } from './mediapath.js';
import { ACCESS_PAGES, askPassword } from './access.js';
import { $, showView, toast, banner, applyBranding } from './ui.js';
import { welcomePage } from './welcome.js';
import { joinMarks } from './joinmarks.js';

/** "/" → {home}, "/Room1" or "/Room1/" → {room}, anything else → {bad}. */
function parseRoute(pathname) {
  const path = pathname.replace(/\/+$/, '');
  if (path === '') return { kind: 'home' };
  let room;
  try { room = decodeURIComponent(path.slice(1)); } catch { return { kind: 'bad', room: path.slice(1) }; }
  return ROOM_NAME_PATTERN.test(room) ? { kind: 'room', room } : { kind: 'bad', room };
}

// ---------- "/<room>" ----------

/** The page each state of the join flow shows. */
const VIEW_OF = {
  connecting: 'connecting', joining: 'connecting', prejoin: 'prejoin', lobby: 'lobby',
  password: 'password', joined: 'meeting', left: 'left', error: 'error',
};

class RoomApp {
  constructor(room, hook) {
    this.room = room;
    this.hook = hook;
    /** @type {MediaSession|null} */
    this.session = null;
    /** Asks for fresh TURN credentials before they expire (useIceServers). */
    this.iceServersTimer = undefined;
    this.cfg = buildConfig(null, location.hash);
    this.stream = new MediaStream();
    this.displayName = '';
    this.audioMuted = false;
    this.videoMuted = false;
    this.participantId = null;
    this.joinedAt = null;
    /** @type {Prejoin|null} */
    this.prejoin = null;
    /** `?jwt=` of the page, sent in `join` (also on reconnects); gone from the address bar once read. */
    this.jwt = pageToken();
    forgetPageToken();
    this.handRaised = false;
    this.view = new MeetingView({ onAudioBlocked: () => this.audioBlocked() });
    this.toolbar = new Toolbar({
      onToggleMic: () => this.toggleMic(),
      onToggleCamera: () => this.toggleCamera(),
      onToggleScreen: () => this.screen.toggle(),
      onToggleHand: () => this.toggleHand(),
      onToggleChat: () => this.togglePanel(this.chat),
      onToggleParticipants: () => this.togglePanel(this.people),
      onToggleRecording: () => this.moderation.toggleRecording(),
      onLeave: () => this.leave(),
    });
    this.screen = new ScreenShare({
      session: () => this.session,
      allowed: () => this.state === 'joined',
      onChange: (track) => {
        this.view.setLocalScreen(track);
        if (this.participantId) this.view.upsert({ id: this.participantId, screenSharing: !!track }, true);
        this.refreshToolbar();
      },
    });
    this.moderation = new Moderation({
      signaling: () => this.flow.signaling,
      state: () => this.state,
      nameOf: (id) => this.nameOf(id),
      muteSelf: (kind) => this.muteSelf(kind),
      onRemoved: (by, reason) => this.fatal(ACCESS_PAGES.kicked.title, `${by} removed you${reason ? `: ${reason}` : '.'}`, 'kicked'),
      onChange: () => { this.refreshPanels(); this.refreshToolbar(); },
    });
    this.chat = new ChatPanel({ onSend: (text) => !!this.flow.signaling?.chat(text) });
    this.people = new ParticipantsPanel(this.moderation.panelActions());
    /** Tells the server how our connections go (relayed or not), which it cannot see itself. */
    this.pathReporter = new PathReporter((msg) => !!this.flow.signaling?.send(msg));
    this.monitor = new StatsMonitor(() => this.session, {
      onPaths: (paths) => { if (this.state === 'joined') this.pathReporter.update(paths); },
      localId: () => this.participantId,
      localLevel: () => this.localLevel(),
      isMuted: (id) => !!this.view.info(id)?.audioMuted,
      // the local guess from receivers' levels, only until the server names a dominant speaker: the server's
      // choice is the same for everyone, has hysteresis, and is what decides whose video we receive (last-N)
      onSpeaker: (id) => { if (this.serverSpeaker === undefined) this.view.setActiveSpeaker(id); },
      onQuality: (id, q) => this.view.setQuality(id, q),
    });
    this.flow = new JoinFlow({
      open: () => {
        const conn = new SignalingConnection(signalingUrl(location));
        conn.on('open', () => joinMarks.mark('wsOpen'));
        return conn;
      },
      onWelcome: (welcome, conn) => {
        joinMarks.mark('welcome');
        this.cfg = buildConfig(welcome, location.hash);
        applyBranding(this.cfg.interfaceConfig, this.room);
        this.listen(conn);
        this.moderation.listen(conn);
      },
      beforeJoin: (conn) => this.beforeJoin(conn),
      onJoined: (joined, conn) => this.joined(joined, conn),
      onLost: (reason) => this.lost(reason),
      restartIce: (which) => this.session?.restartIce(which),
      onSuspended: (reason) => console.warn(`signaling lost, resuming: ${reason}`),
      onResumed: (resumed, conn) => this.resumed(resumed, conn),
      onRefused: (code, message) => this.refused(code, message),
    });
    this.lastState = null;
    this.flow.subscribe((s) => this.render(s));
    $('rejoin-button').addEventListener('click', () => this.rejoin());
    $('lobby-leave').addEventListener('click', () => this.leave());
  }

  get moderator() { return !!(this.participantId && this.view.info(this.participantId)?.moderator); }

  get state() { return this.flow.state; }

  /** The page follows the join flow. @param {import('./joinflow.js').FlowSnapshot} s */
  render(s) {
    this.hook.state = s.state;
    showView(VIEW_OF[s.state]);
    if (s.state === 'joining') $('connecting-text').textContent = 'Joining…';
    if (s.state === 'connecting') $('connecting-text').textContent = s.problem ?? (s.reconnecting ? 'Reconnecting…' : 'Connecting…');
    banner(statusLine(s));
    this.prejoin?.setJoinable(s.connected);
    if (s.state === 'password' && this.lastState !== 'password') {
      askPassword(s.passwordWrong).then((pw) => this.flow.submitPassword(pw));
    }
    this.lastState = s.state;
  }

  async start() {
    $('room-label').textContent = this.room;
    applyBranding(this.cfg.interfaceConfig, this.room);
    await this.flow.start();
    if (this.flow.ended) return;
    const initialName = (this.cfg.userInfo.displayName ?? savedDisplayName()).slice(0, MAX_DISPLAY_NAME);
    this.audioMuted = !!this.cfg.config.startWithAudioMuted;
    this.videoMuted = !!this.cfg.config.startWithVideoMuted;

    // A required name that is missing needs the prejoin page even where it is turned off.
    const mustAskName = !!this.cfg.config.requireDisplayName && initialName.trim() === '';
    if (this.cfg.config.prejoinPageEnabled || mustAskName) {
      this.prejoin = new Prejoin({ config: this.cfg.config, displayName: initialName, roomName: this.room });
      this.flow.prejoin();
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
    await this.flow.join();
  }

  /** Camera and microphone without the prejoin page (prejoin disabled, or rejoining). */
  async acquireMedia() {
    const devices = savedDevices();
    const { stream, problems } = await getLocalMedia({
      audioDeviceId: devices.audioinput, videoDeviceId: devices.videoinput,
    });
    joinMarks.mark('mediaReady');
    problems.forEach((p) => toast(p));
    this.stream = stream;
    this.applyTrackMute();
    this.view.setSpeaker(devices.audiooutput);
  }

  /** @param {SignalingConnection} conn */
  listen(conn) {
    const inMeeting = () => conn === this.flow.signaling && (this.state === 'joined' || this.state === 'joining');
    conn.on('participantJoined', (m) => { if (inMeeting()) { this.view.upsert(m.participant); this.refreshPanels(); } });
    // The server ends a token holder's session when the token expires; reconnecting would be refused.
    conn.on('tokenExpired', () => {
      if (conn === this.flow.signaling) this.refused('token-expired', '');
    });
    conn.on('participantUpdated', (m) => {
      if (!inMeeting()) return;
      const isMe = m.participant.id === this.participantId;
      // Our own mute and hand state is ours: the server's echo must not undo a newer toggle.
      this.view.upsert(isMe ? { ...m.participant, ...this.ownMedia(), handRaised: this.handRaised } : m.participant, isMe);
      this.refreshPanels();
      if (isMe) this.refreshToolbar(); // made moderator: the record button appears
    });
    conn.on('participantLeft', (m) => {
      if (!inMeeting()) return;
      const name = this.nameOf(m.participantId);
      this.view.remove(m.participantId);
      if (m.reason === 'kicked') toast(`${name} was removed from the meeting.`);
      this.refreshPanels();
    });
    conn.on('iceServers', (m) => { if (inMeeting()) this.useIceServers(m, conn); });
    conn.on('chat', (m) => { if (inMeeting()) this.chat.add(m, m.from === this.participantId); });
    conn.on('dominantSpeaker', (m) => { if (inMeeting()) this.useDominantSpeaker(m); });
    conn.on('videoPaused', (m) => {
      if (!inMeeting() || !Array.isArray(m.mids)) return;
      this.pausedMids = new Set(m.mids.map(String));
      this.refreshPausedVideo();
    });
    conn.on('bandwidthEstimate', (m) => {
      if (!inMeeting() || !Number.isFinite(m.bitrate) || m.bitrate < 0 || !this.participantId) return;
      this.view.setDownlink(this.participantId, m.bitrate);
      if (this.people.open) this.refreshPanels();
    });
    conn.on('error', (m) => {
      console.warn(`server error ${m.code}${m.requestType ? ` (${m.requestType})` : ''}: ${m.message}`);
      // Join refusals get their page; media-failed is the join flow's (the banner says it).
      if (m.requestType === 'join' || m.code in ACCESS_PAGES || m.code === 'password-required'
        || m.code === 'wrong-password' || m.code === 'media-failed') return;
      toast(m.code === 'not-moderator' ? 'Only a moderator can do that.' : `Server: ${m.message || m.code}`);
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

  /** Our mute state as others should see it: no device is muted. */
  ownMedia() {
    return { audioMuted: this.audioMuted || !this.hasTrack('audio'), videoMuted: this.videoMuted || !this.hasTrack('video') };
  }

  /** The session listens before join is sent, so an offer right after `joined` is never missed. */
  beforeJoin(conn) {
    this.session?.close();
    const session = new MediaSession(conn, {
      onTracks: (tracks) => { this.view.setRemoteTracks(tracks); this.refreshPausedVideo(); },
      onConnectionState: (which, st) => { if (session === this.session) this.flow.mediaState(which, st); },
      onError: (msg) => toast(msg),
    });
    this.session = session;
    joinMarks.mark('joinSent');
    return { room: this.room, displayName: this.displayName, ...this.ownMedia(), jwt: this.jwt };
  }

  /** In the meeting: draw it and start sending. */
  joined(joined, conn) {
    joinMarks.mark('joined');
    this.participantId = joined.you.id;
    this.useIceServers(joined, conn);
    this.view.clear();
    this.view.show(this.cfg);
    this.toolbar.setActive(true);
    // After a reconnect the server has forgotten our hand: raise it again.
    if (this.handRaised) conn.raiseHand(true);
    this.view.upsert({ ...joined.you, ...this.ownMedia(), handRaised: this.handRaised }, true);
    for (const p of joined.participants ?? []) this.view.upsert(p);
    this.serverSpeaker = undefined;
    this.pausedMids = new Set();
    if (joined.dominantSpeaker) this.useDominantSpeaker(joined.dominantSpeaker);
    this.view.setLocalStream(this.stream);
    this.refreshToolbar();
    this.refreshPanels();
    this.joinedAt = performance.now();
    this.pathReporter.reset();
    this.monitor.start();
    this.session.publish(this.stream).catch((e) => {
      console.warn('publish failed', e);
      toast(`Could not send your camera and microphone: ${e.message}`);
    });
  }

  /**
   * The same participant on a new socket: media never stopped. Listen there, and redraw who is here from the
   * server's list (someone may have come or gone meanwhile).
   */
  /** Tiles whose camera track (by subscribe mid) the server pauses for us show their avatar. */
  refreshPausedVideo() {
    const paused = new Set();
    for (const t of this.session?.remoteTracks() ?? []) {
      if (t.active && t.source === 'camera' && this.pausedMids?.has(String(t.mid))) paused.add(t.participantId);
    }
    this.view.setPausedVideo(paused);
  }

  /**
   * The server's dominant speaker (from `dominantSpeaker`, `joined` or `resumed`) gets the active-speaker view.
   * @param {{participantId: string|null, recent?: string[]}} m
   */
  useDominantSpeaker(m) {
    if (!m || (m.participantId !== null && typeof m.participantId !== 'string')) return;
    this.serverSpeaker = m.participantId;
    this.view.setActiveSpeaker(m.participantId);
  }

  resumed(resumed, conn) {
    this.session?.rebind(conn);
    this.pathReporter.reset(); // the server kept our reports, but one sent as the old socket died may be lost
    this.useIceServers(resumed, conn); // fresh TURN credentials, for an ICE restart that may follow
    const present = new Set([resumed.you.id, ...(resumed.participants ?? []).map((p) => p.id)]);
    for (const p of this.view.participants()) if (!present.has(p.id)) this.view.remove(p.id);
    this.view.upsert({ ...resumed.you, ...this.ownMedia(), handRaised: this.handRaised }, true);
    for (const p of resumed.participants ?? []) this.view.upsert(p);
    if (resumed.dominantSpeaker) this.useDominantSpeaker(resumed.dominantSpeaker);
    if (Array.isArray(resumed.videoPaused)) { this.pausedMids = new Set(resumed.videoPaused.map(String)); this.refreshPausedVideo(); }
    // what changed while we were away and the server may not know
    conn.updateMedia(this.ownMedia());
    if (this.handRaised !== !!resumed.you.handRaised) conn.raiseHand(this.handRaised);
    this.refreshPanels();
  }

  /**
   * The TURN servers with our credentials, from `joined` or `iceServers`. They expire (iceServersTtl):
   * fresh ones are asked for at 80% of their life, so an ICE restart late in a long meeting can still
   * allocate a relay. (A relay already allocated keeps working past expiry: coturn checks the
   * credentials when allocating, docs/configuration.md.)
   * @param {{iceServers?: RTCIceServer[], iceServersTtl?: number}} msg
   * @param {SignalingConnection} conn
   */
  useIceServers(msg, conn) {
    const policy = this.cfg.config.iceTransportPolicy;
    const servers = msg.iceServers ?? [];
    if (policy === 'relay' && servers.length === 0) {
      console.warn('iceTransportPolicy is relay but the server offers no TURN server: media cannot connect');
    }
    this.session?.setIceServers(servers, policy);
    clearTimeout(this.iceServersTimer);
    if (msg.iceServersTtl > 0) {
      this.iceServersTimer = setTimeout(() => conn.refreshIceServers(), msg.iceServersTtl * 800);
    }
  }

  /** The connection is gone; the join flow reconnects. Media and screen share stop. */
  lost(reason) {
    console.warn(`connection lost: ${reason}`);
    clearTimeout(this.iceServersTimer);
    this.monitor.stop();
    this.screen.drop();
    this.moderation.clear();
    this.session?.close();
    this.session = null;
  }

  hasTrack(kind) { return this.stream.getTracks().some((t) => t.kind === kind); }

  applyTrackMute() {
    for (const t of this.stream.getAudioTracks()) t.enabled = !this.audioMuted;
    for (const t of this.stream.getVideoTracks()) t.enabled = !this.videoMuted;
  }

  refreshToolbar() {
    this.toolbar.render({
      hasAudio: this.hasTrack('audio'), audioOn: !this.audioMuted,
      hasVideo: this.hasTrack('video'), videoOn: !this.videoMuted,
      screenSharing: this.screen.sharing, handRaised: this.handRaised,
      mayRecord: !!this.moderator, recording: !!this.moderation?.roomState.recording,
    });
  }

  refreshPanels() {
    this.people.render({
      participants: this.view.participants(), moderator: this.moderator,
      config: this.cfg.config, roomState: this.moderation.roomState,
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
    this.flow.signaling?.raiseHand(this.handRaised);
    this.view.upsert({ id: this.participantId, handRaised: this.handRaised }, true);
    this.refreshToolbar();
    this.refreshPanels();
  }

  /** A moderator muted us: turn that track off and tell everyone, as if we had pressed the button. */
  muteSelf(kind) {
    if (kind === 'video' && !this.videoMuted) { this.videoMuted = true; this.mediaChanged({ videoMuted: true }); }
    if (kind === 'audio' && !this.audioMuted) { this.audioMuted = true; this.mediaChanged({ audioMuted: true }); }
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
    this.flow.signaling?.updateMedia(change);
    this.view.upsert({ id: this.participantId, ...change }, true);
    this.refreshToolbar();
    this.refreshPanels();
  }

  leave() {
    if (!this.flow.leave()) return;
    this.teardown();
    this.view.clear();
    $('rejoin-button').focus();
  }

  async rejoin() {
    this.chat.clear();
    if (!(await this.flow.restart())) return;
    await this.acquireMedia();
    await this.flow.join();
  }

  audioBlocked() {
    if (this.audioHintShown) return;
    this.audioHintShown = true;
    toast('Click anywhere to turn on the sound.');
    document.addEventListener('pointerdown', () => { this.audioHintShown = false; this.view.resumeAudio(); }, { once: true });
  }

  /** Stops everything that runs while in the meeting. */
  teardown() {
    clearTimeout(this.iceServersTimer);
    this.monitor.stop();
    this.meter?.stop();
    this.meter = null;
    this.screen.drop();
    this.session?.close();
    this.session = null;
    this.handRaised = false;
    this.stream.getTracks().forEach((t) => t.stop());
    this.moderation.clear();
    this.toolbar.setActive(false);
    this.chat.setOpen(false);
    this.people.setOpen(false);
    $('view-meeting').classList.remove('has-panel');
  }

  /** The server refused the join: the page for that code. */
  refused(code, message) {
    const page = ACCESS_PAGES[code];
    this.fatal(page ? page.title : 'Could not join the meeting', page ? page.text(message) : message, code);
  }

  /**
   * A page that ends this visit: refused, removed or broken.
   * @param {string} title @param {string} text @param {string} [code] for tests: `javameet.errorCode`
   */
  fatal(title, text, code = 'error') {
    $('error-title').textContent = title;
    $('error-text').textContent = text;
    $('view-error').dataset.code = code;
    if (this.state !== 'error') this.flow.end(code);
    this.teardown();
    this.view.clear();
  }

  async stats() {
    return this.session ? this.session.stats() : { inbound: [], outbound: [], remoteInbound: [], localAudioLevel: 0, paths: { publish: null, subscribe: null } };
  }
}

// ---------- boot ----------

function main() {
  joinMarks.mark('scriptsLoaded');
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
   * @property {Object<string, number>} joinMarks performance.now() of the first time each join step happened
   *           (joinmarks.js JOIN_STEPS: scripts loaded, WebSocket open, … first remote frame)
   * @property {Object|null} config the effective {config, interfaceConfig, userInfo}
   * @property {() => Array<{from:string, displayName:string, text:string, ts:number, local:boolean}>} chatMessages
   * @property {number} chatUnread messages that arrived while the chat was closed
   * @property {boolean} handRaised our own hand
   * @property {boolean} screenSharing we are sharing our screen
   * @property {string|null} spotlight the participant whose screen is shown large
   * @property {string|null} activeSpeaker the highlighted tile's participant
   * @property {string[]} pausedVideo participants whose camera the server does not forward to us (last-N)
   * @property {boolean} moderator we are a moderator
   * @property {{waiting: boolean, enabled: boolean, requests: Array<{requestId:string, displayName:string}>}} lobby
   *           waiting: we wait in the lobby; enabled: the room's lobby is on; requests: people waiting (moderators)
   * @property {{locked: boolean, lobbyEnabled: boolean, recording: boolean}} roomState from `roomUpdated`
   * @property {number|null} recordingNoticeAt performance.now() when `joined` told us the meeting is recorded
   * @property {number|null} firstPublishOfferAt performance.now() when our first publish offer was sent
   * @property {string|null} errorCode why the error page shows: a server error code, `kicked`, or `error`
   * @property {{failures:number, problem:string|null, reason:string|null, retryAt:number|null,
   *            reconnecting:boolean, iceRestarts:number}|null} connection
   *           reconnect state: failures in a row, the problem shown (from 3 failures on), the last failure's reason,
   *           a resume under way, ICE restarts so far
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
    get joinMarks() { return joinMarks.snapshot(); },
    get config() { return app?.cfg ?? null; },
    chatMessages: () => (app ? app.chat.messages.map((m) => ({ ...m })) : []),
    get chatUnread() { return app?.chat.unread ?? 0; },
    get handRaised() { return app?.handRaised ?? false; },
    get screenSharing() { return !!app?.screen.sharing; },
    get spotlight() { return app?.view.spotlight ?? null; },
    get activeSpeaker() { return app?.view.activeSpeaker ?? null; },
    get pausedVideo() { return [...(app?.view.tiles.values() ?? [])].filter((t) => t.forwardingPaused).map((t) => t.id); },
    get moderator() { return app?.moderator ?? false; },
    get lobby() {
      return { waiting: !!app?.flow.lobbyWaiting, enabled: !!app?.moderation.roomState.lobbyEnabled,
        requests: app?.moderation.lobbyRequests.list() ?? [] };
    },
    get roomState() { return { ...(app?.moderation.roomState ?? { locked: false, lobbyEnabled: false, recording: false }) }; },
    get recordingNoticeAt() { return app?.moderation.recordingNoticeAt ?? null; },
    get firstPublishOfferAt() { return app?.session?.firstPublishOfferAt ?? null; },
    get errorCode() { return app?.flow.errorCode ?? null; },
    get connection() {
      const s = app?.flow.snapshot();
      return s ? { failures: s.failures, problem: s.problem, reason: s.reason, retryAt: s.retryAt,
        reconnecting: s.reconnecting, iceRestarts: app.flow.iceRestarts } : null;
    },
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
