// The signaling connection: one WebSocket at /ws, JSON text frames, as specified in docs/protocol.md.
// No DOM here; the UI listens with on(type, handler).

/**
 * @typedef {Object} Participant
 * @property {string} id
 * @property {string} displayName
 * @property {boolean} audioMuted
 * @property {boolean} videoMuted
 * @property {boolean} [moderator]
 * @property {boolean} [handRaised]
 * @property {boolean} [screenSharing]
 * @property {boolean} [reconnecting] their socket or media dropped; the server keeps them for a resume
 * @property {string} [connection] how their media reaches the server: 'udp', 'tcp' (ICE-TCP), 'relay-udp', 'relay-tcp',
 *           'relay-tls' (through TURN, reached that way), or two of them joined by '+' when their connections differ;
 *           absent before ICE
 */

/**
 * `recordingState` (and `joined.recording`): whether the meeting is recorded now.
 * @typedef {Object} RecordingState
 * @property {boolean} active
 * @property {number} [since] ms since the epoch, while active
 * @property {string} [by] who started it (on a start)
 * @property {'stopped'|'room-closed'|'server-shutdown'|'disk-low'|'disk-full'|'failed'} [reason] why it stopped (on a stop)
 * @property {string} [message] what happened, for every reason but stopped and room-closed
 */

/**
 * One m-line of a subscribe offer.
 * @typedef {Object} TrackInfo
 * @property {string} mid
 * @property {string} participantId
 * @property {'audio'|'video'} kind
 * @property {boolean} active
 * @property {'camera'|'microphone'|'screen'} [source] older servers leave it out
 */

// ---- server → client ----

/** @typedef {{type:'welcome', serverVersion:string, config:Object, interfaceConfig:Object}} WelcomeMessage */
/**
 * `resumed` (the answer to `resume`) has the same fields as `joined`.
 * iceServers: the TURN server with this participant's own credentials (empty without TURN); iceServersTtl:
 * seconds they are valid, present with TURN, so the client sends `refreshIceServers` in time.
 * @typedef {{type:'joined'|'resumed', room:string, you:Participant, participants:Participant[], resumeToken?:string,
 *            resumeGraceSeconds?:number, iceServers:RTCIceServer[], iceServersTtl?:number}} JoinedMessage
 */
/** @typedef {{type:'iceServers', iceServers:RTCIceServer[], iceServersTtl?:number}} IceServersMessage */
/** @typedef {{type:'participantJoined', participant:Participant}} ParticipantJoinedMessage */
/** @typedef {{type:'participantUpdated', participant:Participant}} ParticipantUpdatedMessage */
/** @typedef {{type:'participantLeft', participantId:string, reason:'left'|'disconnected'|'kicked'}} ParticipantLeftMessage */
/** @typedef {{type:'publishAnswer', sdp:string}} PublishAnswerMessage */
/** @typedef {{type:'subscribeOffer', sdp:string, version:number, tracks:TrackInfo[]}} SubscribeOfferMessage */
/** @typedef {{type:'chat', from:string, displayName:string, text:string, ts:number}} ChatMessage */
/** @typedef {{type:'pong'}} PongMessage */
/** @typedef {{type:'lobbyWaiting', room:string}} LobbyWaitingMessage */
/** @typedef {{type:'muteRequest', kind:'audio'|'video', by:string}} MuteRequestMessage */
/** @typedef {{type:'kicked', by:string, reason:string}} KickedMessage */
/** @typedef {{type:'tokenExpired', expiredAt:string}} TokenExpiredMessage the socket closes next (4006) */
/** @typedef {{type:'roomUpdated', locked:boolean, lobbyEnabled:boolean}} RoomUpdatedMessage */
/** @typedef {{type:'lobbyRequest', requestId:string, displayName:string}} LobbyRequestMessage */
/** @typedef {{type:'lobbyResolved', requestId:string, admitted:boolean, by:string}} LobbyResolvedMessage */
/** @typedef {{type:'dominantSpeaker', participantId:string|null, recent:string[]}} DominantSpeakerMessage who holds the floor (null: nobody since the last one left), recent speakers most recent first */
/** @typedef {{type:'layersPaused', tracks:Array<{mid:string, rids:string[]}>}} LayersPausedMessage our simulcast layers nobody receives now, by publish mid: stop encoding them (tracks not listed: every layer on) */
/** @typedef {{type:'videoPaused', mids:string[]}} VideoPausedMessage with lastN: the subscribe-connection video tracks (mids) not forwarded to us now; their tiles show the avatar */
/** @typedef {{type:'bandwidthEstimate', bitrate:number}} BandwidthEstimateMessage bits/s the server estimates we can receive */
/** @typedef {{type:'error', code:string, message:string, requestType?:string, id?:string}} ErrorMessage */

// ---- client → server ----

/** @typedef {{type:'join', room:string, displayName:string, audioMuted?:boolean, videoMuted?:boolean,
 *             password?:string, jwt?:string, id?:string}} JoinRequest */
/** @typedef {{type:'publishOffer', sdp:string, sources?:Object<string, 'camera'|'microphone'|'screen'>, id?:string}} PublishOfferRequest */
/** @typedef {{type:'subscribeAnswer', sdp:string, version:number, id?:string}} SubscribeAnswerRequest */
/** @typedef {{type:'updateMedia', audioMuted?:boolean, videoMuted?:boolean, id?:string}} UpdateMediaRequest */
/** @typedef {{type:'setDisplayName', displayName:string, id?:string}} SetDisplayNameRequest */
/** @typedef {{type:'chat', text:string, id?:string}} ChatRequest */
/** @typedef {{type:'leave', id?:string}} LeaveRequest */
/** @typedef {{type:'ping', id?:string}} PingRequest */
/** @typedef {{type:'resume', token:string, id?:string}} ResumeRequest */
/** @typedef {{type:'restartIce', connection:'subscribe', id?:string}} RestartIceRequest */
/** @typedef {{type:'mediaPath', connection:'publish'|'subscribe', candidateType:'host'|'srflx'|'prflx'|'relay',
 *             protocol:'udp'|'tcp', relayProtocol?:'udp'|'tcp'|'tls'}} MediaPathReport our end of that connection's
 *             selected candidate pair (getStats), sent when it changes: display and metrics only */
/** @typedef {{type:'raiseHand', raised:boolean}} RaiseHandRequest */
/** @typedef {{type:'muteParticipant', participantId:string, kind:'audio'|'video'}} MuteParticipantRequest */
/** @typedef {{type:'muteAll', kind:'audio'|'video'}} MuteAllRequest */
/** @typedef {{type:'kick', participantId:string}} KickRequest */
/** @typedef {{type:'setPassword', password:string|null}} SetPasswordRequest */
/** @typedef {{type:'setLobby', enabled:boolean}} SetLobbyRequest */
/** @typedef {{type:'lobbyDecision', requestId:string, admit:boolean}} LobbyDecisionRequest */
/** @typedef {{type:'grantModerator', participantId:string}} GrantModeratorRequest */

/** Room names the server accepts (error `bad-room` otherwise). */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9._~-]{1,64}$/;
export const MAX_DISPLAY_NAME = 64;

/** The `?jwt=` of the page URL (Jitsi's token auth), or null. @param {Location} loc */
export function pageToken(loc = location) {
  return new URLSearchParams(loc.search).get('jwt') || null;
}

/**
 * Takes `?jwt=` out of the address bar once read (history.replaceState; no reload), so the token is not
 * bookmarked, shared with the link or sent again in later requests (which proxies log). Other query
 * parameters and the hash stay. @param {Location} loc @param {History} hist @returns {boolean} one was removed
 */
export function forgetPageToken(loc = location, hist = history) {
  const params = new URLSearchParams(loc.search);
  if (!params.has('jwt')) return false;
  params.delete('jwt');
  const query = params.toString();
  hist.replaceState(hist.state, '', `${loc.pathname}${query ? `?${query}` : ''}${loc.hash}`);
  return true;
}

/**
 * The signaling WebSocket's URL. The token travels in `join`, not here: a URL's query ends up in proxy
 * access logs. @param {Location} loc
 */
export function signalingUrl(loc = location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws`;
}

const PING_INTERVAL_MS = 25_000; // below nginx's default 60 s proxy_read_timeout
const RECENT_KEPT = 30;

/**
 * A single WebSocket connection. Not reused after it closes: make a new one to reconnect.
 */
export class SignalingConnection {
  /** @param {string} url */
  constructor(url) {
    this.url = url;
    /** @type {WebSocket|null} */
    this.ws = null;
    /** @type {Map<string, Set<Function>>} */
    this.handlers = new Map();
    /** True once close() was called: the close that follows is expected. */
    this.closing = false;
    this.nextId = 1;
    this.pingTimer = 0;
    /** The types of the last RECENT_KEPT server messages, oldest first: what a failure report shows. */
    this.recent = [];
  }

  /**
   * Opens the socket and resolves with the server's `welcome`.
   * Rejects if the socket closes before it arrives or nothing comes within timeoutMs.
   * @returns {Promise<WelcomeMessage>}
   */
  connect(timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      let welcomed = false;
      const timer = setTimeout(() => {
        if (!welcomed) { reject(new Error('no welcome from server')); this.close(); }
      }, timeoutMs);
      ws.onmessage = (ev) => {
        let msg;
        try { msg = JSON.parse(ev.data); } catch {
          console.warn('signaling: ignoring non-JSON frame', ev.data);
          return;
        }
        if (!msg || typeof msg.type !== 'string') {
          console.warn('signaling: ignoring frame without type', msg);
          return;
        }
        if (msg.type === 'welcome' && !welcomed) {
          welcomed = true;
          clearTimeout(timer);
          this.pingTimer = setInterval(() => this.send({ type: 'ping' }), PING_INTERVAL_MS);
          resolve(msg);
        }
        if (msg.type !== 'pong') {
          this.recent.push(msg.type);
          if (this.recent.length > RECENT_KEPT) this.recent.shift();
        }
        this.emit(msg.type, msg);
      };
      ws.onclose = (ev) => {
        clearTimeout(timer);
        clearInterval(this.pingTimer);
        if (!welcomed) reject(new Error(`connection closed (${ev.code})`));
        this.emit('close', { code: ev.code, reason: ev.reason, expected: this.closing });
      };
      ws.onopen = () => this.emit('open', {});
      ws.onerror = () => { /* a close event always follows */ };
    });
  }

  /**
   * @param {string} type a message type, 'open' (the socket opened; `welcome` follows) or 'close' ({code, reason, expected})
   * @param {(msg:any) => void} fn
   * @returns {() => void} unsubscribes
   */
  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(fn);
    return () => this.handlers.get(type)?.delete(fn);
  }

  /** @private */
  emit(type, msg) {
    for (const fn of [...(this.handlers.get(type) ?? [])]) {
      try { fn(msg); } catch (e) { console.error(`signaling: handler for ${type} failed`, e); }
    }
  }

  get open() { return this.ws?.readyState === WebSocket.OPEN; }

  /** Sends one message; returns false if the socket is not open. */
  send(msg) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /**
   * Sends `join` and resolves with `joined`, or rejects with the server's error (`err.code`).
   * With the lobby on, `lobbyWaiting` comes first: onWaiting is called and the promise keeps
   * waiting for `joined` (admitted) or `error lobby-denied`.
   * @param {{room:string, displayName:string, audioMuted:boolean, videoMuted:boolean,
   *          password?:string|null, jwt?:string|null, onWaiting?:(msg:LobbyWaitingMessage) => void}} req
   * @returns {Promise<JoinedMessage>}
   */
  join({ room, displayName, audioMuted, videoMuted, password, jwt, onWaiting }) {
    const id = `join-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const offs = [];
      const done = () => offs.forEach((off) => off());
      offs.push(this.on('joined', (msg) => { done(); resolve(msg); }));
      offs.push(this.on('lobbyWaiting', (msg) => onWaiting?.(msg)));
      offs.push(this.on('error', (e) => {
        if (e.id !== id && e.requestType !== 'join' && e.code !== 'lobby-denied') return;
        done();
        reject(Object.assign(new Error(e.message || e.code), { code: e.code }));
      }));
      offs.push(this.on('close', (ev) => { done(); reject(new Error(`connection closed (${ev.code})`)); }));
      /** @type {JoinRequest} */
      const msg = { type: 'join', id, room, displayName, audioMuted, videoMuted };
      if (password) msg.password = password;
      if (jwt) msg.jwt = jwt;
      if (!this.send(msg)) { done(); reject(new Error('not connected')); }
    });
  }

  /**
   * Sends `resume` with the token of `joined`/`resumed` and resolves with `resumed` (the same participant), or
   * rejects with the server's error (`err.code`, e.g. `resume-failed`) or a closed connection (no code).
   * @param {string} token @returns {Promise<JoinedMessage>}
   */
  resume(token) {
    const id = `resume-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const offs = [];
      const done = () => offs.forEach((off) => off());
      offs.push(this.on('resumed', (msg) => { done(); resolve(msg); }));
      offs.push(this.on('error', (e) => {
        if (e.id !== id && e.requestType !== 'resume') return;
        done();
        reject(Object.assign(new Error(e.message || e.code), { code: e.code }));
      }));
      offs.push(this.on('close', (ev) => { done(); reject(new Error(`connection closed (${ev.code})`)); }));
      if (!this.send({ type: 'resume', id, token })) { done(); reject(new Error('not connected')); }
    });
  }

  /** Asks for a subscribe offer with new ICE credentials (the subscribe connection failed). */
  restartIce() { return this.send({ type: 'restartIce', connection: 'subscribe' }); }

  /** @param {string} sdp @param {Object<string, string>} [sources] mid → camera / microphone / screen */
  publishOffer(sdp, sources) { return this.send(sources ? { type: 'publishOffer', sdp, sources } : { type: 'publishOffer', sdp }); }
  subscribeAnswer(sdp, version) { return this.send({ type: 'subscribeAnswer', sdp, version }); }
  /** @param {{audioMuted?:boolean, videoMuted?:boolean}} state */
  updateMedia(state) { return this.send({ type: 'updateMedia', ...state }); }
  setDisplayName(displayName) { return this.send({ type: 'setDisplayName', displayName }); }
  chat(text) { return this.send({ type: 'chat', text }); }
  leave() { return this.send({ type: 'leave' }); }
  raiseHand(raised) { return this.send({ type: 'raiseHand', raised }); }
  /** Asks for fresh TURN credentials; the answer is `iceServers`. */
  refreshIceServers() { return this.send({ type: 'refreshIceServers' }); }

  // moderator only (the server refuses them from others with `not-moderator`)
  /** @param {'audio'|'video'} kind */
  muteParticipant(participantId, kind) { return this.send({ type: 'muteParticipant', participantId, kind }); }
  /** @param {'audio'|'video'} kind */
  muteAll(kind) { return this.send({ type: 'muteAll', kind }); }
  kick(participantId) { return this.send({ type: 'kick', participantId }); }
  /** @param {string|null} password null removes it */
  setPassword(password) { return this.send({ type: 'setPassword', password }); }
  setLobby(enabled) { return this.send({ type: 'setLobby', enabled }); }
  lobbyDecision(requestId, admit) { return this.send({ type: 'lobbyDecision', requestId, admit }); }
  grantModerator(participantId) { return this.send({ type: 'grantModerator', participantId }); }
  // moderators, or a token with context.features.recording (others get `not-moderator` / `recording-forbidden`)
  startRecording() { return this.send({ type: 'startRecording' }); }
  stopRecording() { return this.send({ type: 'stopRecording' }); }

  /** Closes the socket on purpose (its 'close' event carries expected: true). */
  close() {
    this.closing = true;
    clearInterval(this.pingTimer);
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000);
  }
}
