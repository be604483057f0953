// Entry point: routes "/" to the welcome page and "/<room>" to prejoin → meeting, wires the views
// to the join / reconnect state machine (joinflow.js) and exposes window.javameet for automated tests.

import { SignalingConnection, signalingUrl, pageToken, forgetPageToken, ROOM_NAME_PATTERN, MAX_DISPLAY_NAME } from './protocol.js';
import { buildConfig } from './config.js';
import { JoinFlow, statusLine } from './joinflow.js';
import { MediaSession, warmUpPeerConnections } from './session.js';
import { getLocalMedia, savedDisplayName, savedDevices, LocalLevel } from './media.js';
import { Prejoin } from './prejoin.js';
import { MeetingView } from './meeting.js';
import { Toolbar } from './toolbar.js';
import { ScreenShare } from './screenshare.js';
import { Moderation } from './moderation.js';
import { ChatPanel } from './chat.js';
import { ParticipantsPanel } from './participants.js';
import { StatsMonitor } from './quality.js';
import { PathReporter } from './mediapath.js';
import { TileSizeReporter } from './tilesizes.js';
import { ACCESS_PAGES, askPassword } from './access.js';
import { $, showView, toast, banner, applyBranding } from './ui.js';
import { welcomePage } from './welcome.js';
import { joinMarks } from './joinmarks.js';
import { installTestHook } from './testhook.js';
import { ServerMediaState } from './servermedia.js';
import { IceServersRefresh } from './iceservers.js';

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
    /** Asks for fresh TURN credentials before they expire. */
    this.iceServers = new IceServersRefresh(() => this.session);
    this.cfg = buildConfig(null, location.hash);
    this.stream = new MediaStream();
    this.displayName = '';
    this.audioMuted = false;
    this.videoMuted = false;
    this.participantId = null;
    /** Every id this page has had in the room (a rejoin gets a new one): its own messages in the chat history. */
    this.ownIds = new Set();
    this.joinedAt = null;
    /** @type {Prejoin|null} */
    this.prejoin = null;
    /** `?jwt=` of the page, sent in `join` (also on reconnects); gone from the address bar once read. */
    this.jwt = pageToken();
    forgetPageToken();
    this.handRaised = false;
    this.localLevel = new LocalLevel();
    this.view = new MeetingView({
      onAudioBlocked: () => this.audioBlocked(),
      onVideoBoxesChanged: () => this.tileSizes?.schedule(),
    });
    this.serverMedia = new ServerMediaState(this.view, () => this.session?.remoteTracks() ?? []);
    /** Tells the server how large we show each remote video, so it sends no larger simulcast layer. */
    this.tileSizes = new TileSizeReporter({
      boxes: () => (this.session ? this.view.videoBoxes(this.session.remoteTracks()) : []),
      send: (msg) => this.state === 'joined' && !!this.flow.signaling?.send(msg),
      devicePixelRatio: () => window.devicePixelRatio || 1,
    });
    window.addEventListener('resize', () => this.tileSizes.schedule());
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
      localLevel: () => this.localLevel.level(this.stream.getAudioTracks()[0], this.audioMuted),
      isMuted: (id) => !!this.view.info(id)?.audioMuted,
      // the local guess from receivers' levels, only until the server names a dominant speaker
      onSpeaker: (id) => { if (!this.serverMedia.speakerKnown) this.view.setActiveSpeaker(id); },
      onQuality: (id, q) => this.view.setQuality(id, q),
      onReceivedVideo: (id, v) => this.view.setReceivedVideo(id, v),
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
    // When the URL hash already turns the prejoin page off (the hash wins over the server's config), the camera
    // starts beside the WebSocket instead of after the welcome: `join` still waits for the devices (its mute
    // state says which exist), but no longer for the socket and the camera one after the other.
    let early = this.cfg.config.prejoinPageEnabled ? null : this.startMedia();
    const connected = this.flow.start(); // the WebSocket is opening from here on
    warmUpPeerConnections();
    await connected;
    if (this.flow.ended) {
      early?.then(({ stream }) => stream.getTracks().forEach((t) => t.stop()));
      return;
    }
    const initialName = (this.cfg.userInfo.displayName ?? savedDisplayName()).slice(0, MAX_DISPLAY_NAME);
    this.audioMuted = !!this.cfg.config.startWithAudioMuted;
    this.videoMuted = !!this.cfg.config.startWithVideoMuted;

    // A required name that is missing needs the prejoin page even where it is turned off.
    const mustAskName = !!this.cfg.config.requireDisplayName && initialName.trim() === '';
    if (this.cfg.config.prejoinPageEnabled || mustAskName) {
      if (early) {
        // the server asks for a name after all: the prejoin page opens the camera itself
        (await early).stream.getTracks().forEach((t) => t.stop());
        early = null;
      }
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
      await this.acquireMedia(early ?? this.startMedia());
    }
    await this.flow.join();
  }

  /** getUserMedia with the saved devices. @returns {ReturnType<typeof getLocalMedia>} */
  startMedia() {
    const devices = savedDevices();
    return getLocalMedia({ audioDeviceId: devices.audioinput, videoDeviceId: devices.videoinput });
  }

  /**
   * Camera and microphone without the prejoin page (prejoin disabled, or rejoining): takes what `started`
   * (a {@link startMedia}) gets, once the welcome's settings (startWith*Muted) are known.
   */
  async acquireMedia(started = this.startMedia()) {
    const { stream, problems } = await started;
    joinMarks.mark('mediaReady');
    problems.forEach((p) => toast(p));
    this.stream = stream;
    this.applyTrackMute();
    this.view.setSpeaker(savedDevices().audiooutput);
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
    conn.on('dominantSpeaker', (m) => { if (inMeeting()) this.serverMedia.useDominantSpeaker(m); });
    conn.on('videoPaused', (m) => { if (inMeeting()) this.serverMedia.setPausedMids(m.mids); });
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
      onTracks: (tracks) => { this.view.setRemoteTracks(tracks); this.serverMedia.refreshPausedVideo(); },
      onConnectionState: (which, st) => { if (session === this.session) this.flow.mediaState(which, st); },
      onError: (msg) => toast(msg),
    }, { simulcast: !this.cfg.config.disableSimulcast });
    this.session = session;
    joinMarks.mark('joinSent');
    return { room: this.room, displayName: this.displayName, ...this.ownMedia(), jwt: this.jwt };
  }

  /** In the meeting: draw it and start sending. */
  joined(joined, conn) {
    joinMarks.mark('joined');
    this.participantId = joined.you.id;
    this.ownIds.add(joined.you.id);
    this.useIceServers(joined, conn);
    this.view.clear();
    this.view.show(this.cfg);
    this.toolbar.setActive(true);
    // After a reconnect the server has forgotten our hand: raise it again.
    if (this.handRaised) conn.raiseHand(true);
    this.view.upsert({ ...joined.you, ...this.ownMedia(), handRaised: this.handRaised }, true);
    for (const p of joined.participants ?? []) this.view.upsert(p);
    this.serverMedia.reset();
    if (joined.dominantSpeaker) this.serverMedia.useDominantSpeaker(joined.dominantSpeaker);
    this.view.setLocalStream(this.stream);
    this.refreshToolbar();
    this.refreshPanels();
    this.chat.addHistory(joined.chatHistory, (from) => this.ownIds.has(from));
    this.joinedAt = performance.now();
    this.pathReporter.reset();
    this.tileSizes.reset();
    this.monitor.start();
    joinMarks.mark('meetingShown');
    this.session.publish(this.stream).catch((e) => {
      console.warn('publish failed', e);
      toast(`Could not send your camera and microphone: ${e.message}`);
    });
  }

  /**
   * The same participant on a new socket: media never stopped. Listen there, and redraw who is here from the
   * server's list (someone may have come or gone meanwhile).
   */
  resumed(resumed, conn) {
    this.session?.rebind(conn);
    this.pathReporter.reset(); // the server kept our reports, but one sent as the old socket died may be lost
    this.tileSizes.reset(); // the same
    this.useIceServers(resumed, conn); // fresh TURN credentials, for an ICE restart that may follow
    const present = new Set([resumed.you.id, ...(resumed.participants ?? []).map((p) => p.id)]);
    for (const p of this.view.participants()) if (!present.has(p.id)) this.view.remove(p.id);
    this.view.upsert({ ...resumed.you, ...this.ownMedia(), handRaised: this.handRaised }, true);
    for (const p of resumed.participants ?? []) this.view.upsert(p);
    if (resumed.dominantSpeaker) this.serverMedia.useDominantSpeaker(resumed.dominantSpeaker);
    this.serverMedia.setPausedMids(resumed.videoPaused);
    this.session?.setPausedLayers(resumed.layersPaused ?? []); // absent: nothing of ours is paused
    // what changed while we were away and the server may not know
    conn.updateMedia(this.ownMedia());
    if (this.handRaised !== !!resumed.you.handRaised) conn.raiseHand(this.handRaised);
    this.refreshPanels();
    this.chat.addHistory(resumed.chatHistory, (from) => this.ownIds.has(from)); // what was said while we were away
  }

  /** The TURN servers with our credentials, from `joined`, `resumed` or `iceServers` (iceservers.js). */
  useIceServers(msg, conn) {
    this.iceServers.use(msg, conn, this.cfg.config.iceTransportPolicy);
  }

  /** The connection is gone; the join flow reconnects. Media and screen share stop. */
  lost(reason) {
    console.warn(`connection lost: ${reason}`);
    this.iceServers.stop();
    this.monitor.stop();
    this.tileSizes.stop();
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
    this.iceServers.stop();
    this.monitor.stop();
    this.localLevel.stop();
    this.tileSizes.stop();
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

  installTestHook(hook);

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
