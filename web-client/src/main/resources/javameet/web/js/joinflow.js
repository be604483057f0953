// The join / reconnect / rejoin state machine of one meeting page. No DOM: views subscribe to its
// state and call its methods; the app gives it the side effects (new connection, media session)
// as hooks. Time comes from an injected clock so tests run it without waiting.

/** @typedef {import('./protocol.js').SignalingConnection} SignalingConnection */
/** @typedef {import('./protocol.js').WelcomeMessage} WelcomeMessage */
/** @typedef {import('./protocol.js').JoinedMessage} JoinedMessage */

/**
 * @typedef {'connecting'|'prejoin'|'joining'|'lobby'|'password'|'joined'|'left'|'error'} FlowState
 * `javameet.state` is this (the welcome page adds 'welcome').
 */

/** Reconnect delays: 0.5 s doubling to 30 s, each ±20 % so a restarted server is not hit all at once. */
export const BACKOFF = Object.freeze({ baseMs: 500, maxMs: 30_000, jitter: 0.2 });
/** Failures are forgotten only after media has stayed connected this long, not on a mere welcome. */
export const HEALTHY_MS = 30_000;
/** From this many failures in a row on, the user is told what is wrong. */
export const PROBLEM_AFTER = 3;
/** A media connection 'disconnected' this long (or 'failed') gets an ICE restart, once it had connected. */
export const DISCONNECTED_RESTART_MS = 3_000;
/** An ICE restart that has not connected within this is given up: the meeting is joined anew. */
export const RESTART_TIMEOUT_MS = 20_000;

export const REASONS = Object.freeze({
  unreachable: 'Cannot reach the server',
  socketClosed: 'The connection to the server was lost',
  mediaBlocked: 'Media cannot connect: UDP to the server may be blocked',
  mediaLost: 'The media connection was lost',
  serverMedia: 'The server closed the media connection',
  resumeFailed: 'Could not resume the meeting',
});

/**
 * @typedef {Object} Clock
 * @property {() => number} now milliseconds
 * @property {(fn: () => void, ms: number) => any} setTimeout
 * @property {(id: any) => void} clearTimeout
 */

/** @type {Clock} */
export const realClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};

/** Exponential back-off with jitter and a cap, counting failures in a row. */
export class Backoff {
  /** @param {{baseMs?: number, maxMs?: number, jitter?: number, random?: () => number}} [opts] */
  constructor({ baseMs = BACKOFF.baseMs, maxMs = BACKOFF.maxMs, jitter = BACKOFF.jitter, random = Math.random } = {}) {
    Object.assign(this, { baseMs, maxMs, jitter, random });
    this.failures = 0;
  }

  /** Counts one more failure and returns how long to wait before the next attempt. */
  fail() {
    const capped = Math.min(this.maxMs, this.baseMs * 2 ** this.failures);
    this.failures++;
    return Math.round(capped * (1 + this.jitter * (2 * this.random() - 1)));
  }

  reset() { this.failures = 0; }
}

/**
 * What the views see.
 * @typedef {Object} FlowSnapshot
 * @property {FlowState} state
 * @property {boolean} connected a welcomed socket is open and no reconnect is under way
 * @property {boolean} reconnecting the connection was lost and is being re-established
 * @property {number} failures failures in a row (reset after HEALTHY_MS of connected media)
 * @property {string|null} reason why the last attempt failed
 * @property {string|null} problem shown to the user from PROBLEM_AFTER failures on, until media connects
 * @property {number|null} retryAt clock time of the next attempt while waiting for it
 * @property {boolean} lobbyWaiting
 * @property {boolean} passwordWrong the password page is shown after a refused password
 * @property {string|null} errorCode why the state is 'error'
 */

/**
 * The status banner's text for a snapshot, or null for none.
 * @param {FlowSnapshot} s
 */
export function statusLine(s) {
  if (s.state === 'left' || s.state === 'error') return null;
  // Once rejoined, only media is left to connect: say so rather than "reconnecting".
  if (s.problem) return `${s.problem} — ${s.state === 'joined' ? 'waiting for media to connect' : 'still trying'}…`;
  if (s.reconnecting || s.retryAt != null) return `${s.reason ?? 'Connection lost'} — reconnecting…`;
  return null;
}

/**
 * @typedef {Object} FlowHooks
 * @property {() => SignalingConnection} open a new, unopened connection
 * @property {(welcome: WelcomeMessage, conn: SignalingConnection) => void} [onWelcome] a connection is ready
 * @property {(conn: SignalingConnection) => {room: string, displayName: string, audioMuted: boolean,
 *            videoMuted: boolean, jwt?: string|null}} beforeJoin set up what must listen before `join` goes out
 * @property {(joined: JoinedMessage, conn: SignalingConnection) => void} [onJoined] in the meeting
 * @property {(reason: string) => void} [onLost] the meeting's media must stop: a reconnect follows
 * @property {(which: string) => void} [restartIce] restart ICE on that media connection (keeps the participant)
 * @property {(reason: string) => void} [onSuspended] the socket dropped: media goes on while we resume
 * @property {(resumed: JoinedMessage, conn: SignalingConnection) => void} [onResumed] the same participant, on
 *            a new socket: rebind to it and redraw the room
 * @property {(code: string, message: string) => void} [onRefused] the server refused the join (state 'error')
 */

export class JoinFlow {
  /**
   * @param {FlowHooks} hooks
   * @param {{clock?: Clock, random?: () => number, log?: {warn: (...a: any[]) => void}}} [opts]
   */
  constructor(hooks, { clock = realClock, random = Math.random, log = console } = {}) {
    this.hooks = hooks;
    this.clock = clock;
    this.log = log;
    this.backoff = new Backoff({ random });
    /** @type {FlowState} */
    this.state = 'connecting';
    /** @type {SignalingConnection|null} */
    this.signaling = null;
    this.reconnecting = false;
    /** @type {string|null} */
    this.reason = null;
    /** @type {string|null} */
    this.problem = null;
    /** @type {number|null} */
    this.retryAt = null;
    this.lobbyWaiting = false;
    this.passwordWrong = false;
    /** The room password the user typed, sent with every (re)join. @type {string|null} */
    this.password = null;
    /** @type {string|null} */
    this.errorCode = null;
    /** join() was asked for (and not undone by leaving): a reconnect joins again. */
    this.wantJoin = false;
    /** Each media connection's last state, since the last `joined`. @type {Map<string, string>} */
    this.media = new Map();
    /** Media connections that were connected at least once, since the last `joined`. */
    this.mediaEverConnected = new Set();
    this.healthTimer = null;
    /** The server's resume token from `joined`/`resumed`: a dropped socket resumes with it. @type {string|null} */
    this.resumeToken = null;
    /** Per media connection: pending 'disconnected' timer, restart deadline timer. */
    this.restartTimers = new Map();
    /** Media connections with an ICE restart under way (since when, clock ms). @type {Map<string, number>} */
    this.restarting = new Map();
    /** ICE restarts done, for tests and the console. */
    this.iceRestarts = 0;
    /** @type {Set<(s: FlowSnapshot) => void>} */
    this.listeners = new Set();
  }

  /** @param {(s: FlowSnapshot) => void} fn called now and on every change @returns {() => void} */
  subscribe(fn) {
    this.listeners.add(fn);
    fn(this.snapshot());
    return () => this.listeners.delete(fn);
  }

  /** @returns {FlowSnapshot} */
  snapshot() {
    return {
      state: this.state,
      connected: !!this.signaling?.open && !this.reconnecting,
      reconnecting: this.reconnecting,
      failures: this.backoff.failures,
      reason: this.reason,
      problem: this.problem,
      retryAt: this.retryAt,
      lobbyWaiting: this.lobbyWaiting,
      passwordWrong: this.passwordWrong,
      errorCode: this.errorCode,
    };
  }

  /** @private */
  emit() {
    const s = this.snapshot();
    for (const fn of [...this.listeners]) {
      try { fn(s); } catch (e) { console.error('joinflow: listener failed', e); }
    }
  }

  /** @private @param {FlowState} state */
  setState(state) {
    this.state = state;
    this.checkHealth();
    this.emit();
  }

  get ended() { return this.state === 'left' || this.state === 'error'; }

  /** Waits for the server (retrying) while the page says 'connecting'. */
  async start() {
    this.setState('connecting');
    await this.connect();
  }

  /** The prejoin page shows; join() follows when the user is ready. */
  prejoin() {
    this.wantJoin = false;
    this.setState('prejoin');
  }

  /**
   * Opens connections until one gets the server's welcome, waiting the back-off between attempts.
   * A welcome does not reset the back-off: only healthy media does (see mediaState).
   * @returns {Promise<SignalingConnection|null>} null when the page ended meanwhile
   */
  async connect() {
    for (;;) {
      if (this.ended) return null;
      const conn = this.hooks.open();
      try {
        const welcome = await conn.connect();
        if (this.ended) { conn.close(); return null; }
        this.signaling = conn;
        this.watch(conn);
        this.hooks.onWelcome?.(welcome, conn);
        this.emit();
        return conn;
      } catch (e) {
        conn.close();
        this.log.warn(`signaling: ${e.message}`);
        await this.waitToRetry(REASONS.unreachable);
      }
    }
  }

  /** @private @param {SignalingConnection} conn */
  watch(conn) {
    conn.on('close', (ev) => {
      if (ev.expected || conn !== this.signaling) return;
      const reason = `${REASONS.socketClosed} (${ev.code})`;
      if (this.state === 'joined' && this.resumeToken) this.suspend(reason);
      else this.lost(reason);
    });
    conn.on('error', (m) => {
      if (m.code !== 'media-failed' || conn !== this.signaling || this.state !== 'joined') return;
      this.lost(m.message ? `${REASONS.serverMedia}: ${m.message}` : REASONS.serverMedia);
    });
  }

  /** @private Counts a failure and waits its back-off. */
  async waitToRetry(reason) {
    const delay = this.backoff.fail();
    this.reason = reason;
    if (this.backoff.failures >= PROBLEM_AFTER) this.problem = reason;
    this.retryAt = this.clock.now() + delay;
    this.log.warn(`${reason}; attempt ${this.backoff.failures} failed, retrying in ${(delay / 1000).toFixed(1)} s`);
    this.emit();
    await new Promise((resolve) => this.clock.setTimeout(resolve, delay));
    this.retryAt = null;
  }

  /** Sends `join` on the current connection and follows the answer. */
  async join() {
    const conn = this.signaling;
    if (this.ended) return;
    this.wantJoin = true;
    if (!conn) {
      // Asked while a reconnect is under way (Join on the prejoin page): lost() joins when it is done.
      if (this.reconnecting) this.setState('connecting');
      return;
    }
    this.media.clear();
    this.mediaEverConnected.clear();
    this.setState('joining');
    const request = this.hooks.beforeJoin(conn);
    /** @type {JoinedMessage} */
    let joined;
    try {
      joined = await conn.join({
        ...request, password: this.password,
        onWaiting: () => {
          this.lobbyWaiting = true;
          this.setState('lobby');
        },
      });
    } catch (e) {
      this.lobbyWaiting = false;
      if (conn !== this.signaling || this.ended) return;
      // too-many-attempts: the server makes this address wait after repeated wrong passwords; the
      // prompt comes back (marked wrong) rather than ending the visit, so the user can try again later.
      if (e.code === 'password-required' || e.code === 'wrong-password' || e.code === 'too-many-attempts') {
        this.passwordWrong = e.code !== 'password-required' && this.password != null;
        this.setState('password');
        return;
      }
      if (e.code) { this.refused(e.code, e.message); return; }
      return; // the connection dropped: its close event started a reconnect
    }
    this.lobbyWaiting = false;
    if (conn !== this.signaling || this.ended) return;
    this.resumeToken = joined.resumeToken ?? null;
    // First the app shows the meeting and starts its media (whose connections report in while
    // 'joining'), then 'joined': so healthy means "media connected", not "no media reported yet".
    this.hooks.onJoined?.(joined, conn);
    this.setState('joined');
  }

  /** The user typed the room password. @param {string} password */
  async submitPassword(password) {
    if (this.state !== 'password') return;
    this.password = password;
    if (this.reconnecting) { this.setState('connecting'); return; } // lost() joins once reconnected
    if (!this.signaling?.open && !(await this.connect())) return;
    await this.join();
  }

  /**
   * One media connection changed state (RTCPeerConnection.connectionState). A failure reconnects;
   * all of them connected for HEALTHY_MS forgives earlier failures.
   * @param {string} which 'publish' or 'subscribe' @param {string} state
   */
  mediaState(which, state) {
    if (this.state !== 'joined' && this.state !== 'joining') return;
    this.media.set(which, state);
    if (state === 'connected') {
      this.mediaEverConnected.add(which);
      this.restartDone(which);
    }
    if (state !== 'disconnected') this.clearTimer(`${which}:disconnected`);
    const canRestart = !!this.hooks.restartIce && this.mediaEverConnected.has(which);
    if (state === 'failed') {
      if (canRestart && !this.restarting.has(which)) { this.restartIce(which); return; }
      this.lost(this.mediaEverConnected.has(which) ? REASONS.mediaLost : REASONS.mediaBlocked);
      return;
    }
    if (state === 'disconnected' && canRestart && !this.restarting.has(which)) {
      // Chromium says 'disconnected' after ~5 s without consent answers; give the path a moment to come back
      this.setTimer(`${which}:disconnected`, DISCONNECTED_RESTART_MS, () => {
        if (this.media.get(which) === 'disconnected' && this.state === 'joined') this.restartIce(which);
      });
    }
    this.checkHealth();
    this.emit();
  }

  /**
   * @private ICE restart on one media connection (new ufrag/password, the same DTLS): the participant, its tracks
   * and role stay. Without the socket the restart waits for the resume. If it has not connected within
   * RESTART_TIMEOUT_MS, the meeting is joined anew.
   */
  restartIce(which) {
    if (this.reconnecting || !this.signaling?.open) return; // resumed() restarts what is not connected
    this.restarting.set(which, this.clock.now());
    this.iceRestarts++;
    this.log.warn(`media connection ${which} ${this.media.get(which)}: restarting ICE`);
    this.hooks.restartIce(which);
    this.setTimer(`${which}:restart`, RESTART_TIMEOUT_MS, () => {
      if (!this.restarting.has(which) || this.state !== 'joined') return;
      this.restarting.delete(which);
      this.lost(REASONS.mediaLost);
    });
  }

  /** @private */
  restartDone(which) {
    if (!this.restarting.delete(which)) return;
    this.clearTimer(`${which}:restart`);
  }

  /** @private */
  setTimer(key, ms, fn) {
    this.clearTimer(key);
    this.restartTimers.set(key, this.clock.setTimeout(() => { this.restartTimers.delete(key); fn(); }, ms));
  }

  /** @private */
  clearTimer(key) {
    const id = this.restartTimers.get(key);
    if (id == null) return;
    this.clock.clearTimeout(id);
    this.restartTimers.delete(key);
  }

  /** @private */
  clearRestarts() {
    for (const key of [...this.restartTimers.keys()]) this.clearTimer(key);
    this.restarting.clear();
  }

  /**
   * The socket dropped while in the meeting: media goes on, and we reconnect (with back-off) and `resume` with the
   * token, as the same participant. If the server refuses the token (the grace period ended, or it restarted), the
   * meeting is joined anew.
   * @param {string} reason
   */
  async suspend(reason) {
    if (this.reconnecting || this.ended) return;
    this.reconnecting = true;
    this.signaling = null;
    this.hooks.onSuspended?.(reason);
    this.emit();
    for (;;) {
      await this.waitToRetry(reason);
      const conn = await this.connect();
      if (!conn) { this.reconnecting = false; return; }
      let resumed;
      try {
        resumed = await conn.resume(this.resumeToken);
      } catch (e) {
        if (conn !== this.signaling || this.ended) return;
        if (!e.code) continue; // the new socket dropped too: try again
        this.log.warn(`resume refused (${e.code}): joining again`);
        this.resumeToken = null;
        this.reconnecting = false;
        this.media.clear();
        this.clearRestarts();
        this.hooks.onLost?.(`${REASONS.resumeFailed}: ${e.message}`);
        if (this.wantJoin) await this.join();
        return;
      }
      if (conn !== this.signaling || this.ended) return;
      this.resumeToken = resumed.resumeToken ?? null;
      this.reconnecting = false;
      this.reason = null;
      this.hooks.onResumed?.(resumed, conn);
      this.setState('joined');
      // what broke while we had no socket restarts now
      for (const [which, state] of this.media) {
        if (state === 'failed' || state === 'disconnected') { this.restarting.delete(which); this.restartIce(which); }
      }
      return;
    }
  }

  /**
   * @private Healthy: settled on a page with the socket open and every media connection connected.
   * Clears the problem at once; forgives the failures after HEALTHY_MS of it. Callers emit.
   */
  checkHealth() {
    const settled = ['prejoin', 'lobby', 'password', 'joined'].includes(this.state)
      && !this.reconnecting && !!this.signaling?.open;
    const healthy = settled && [...this.media.values()].every((s) => s === 'connected');
    if (!healthy) { this.stopHealthTimer(); return; }
    this.problem = null;
    if (this.healthTimer != null || this.backoff.failures === 0) return;
    this.healthTimer = this.clock.setTimeout(() => {
      this.healthTimer = null;
      this.backoff.reset();
      this.reason = null;
      this.emit();
    }, HEALTHY_MS);
  }

  /** @private */
  stopHealthTimer() {
    if (this.healthTimer == null) return;
    this.clock.clearTimeout(this.healthTimer);
    this.healthTimer = null;
  }

  /**
   * The socket dropped or media failed: drop the connection, wait the back-off, reconnect and, if we
   * were in the meeting (or on its way), join again.
   * @param {string} reason for the user and the console
   */
  async lost(reason) {
    if (this.reconnecting || this.ended) return;
    this.reconnecting = true;
    const before = this.state;
    this.lobbyWaiting = false;
    const old = this.signaling;
    this.signaling = null;
    // Joining anew: say leave first, so the server does not keep the old participant for a resume.
    if (before === 'joined' || before === 'joining') old?.leave?.();
    old?.close();
    this.resumeToken = null;
    this.clearRestarts();
    this.media.clear();
    this.hooks.onLost?.(reason);
    this.setState(before === 'prejoin' || before === 'password' ? before : 'connecting');
    await this.waitToRetry(reason);
    const conn = await this.connect();
    this.reconnecting = false;
    if (!conn) return;
    if (this.wantJoin && this.state !== 'password') await this.join();
    else this.setState(this.state);
  }

  /** The user leaves; returns false when there is nothing to leave. */
  leave() {
    if (!['joined', 'joining', 'lobby'].includes(this.state)) return false;
    this.lobbyWaiting = false;
    this.wantJoin = false;
    this.resumeToken = null;
    this.clearRestarts();
    this.signaling?.leave();
    this.signaling?.close(); // queued frames (the leave) go out before the close
    this.setState('left');
    return true;
  }

  /** Rejoin after leaving: a new connection, then the caller gets media and calls join(). */
  async restart() {
    this.errorCode = null;
    this.wantJoin = false;
    this.setState('connecting');
    return this.connect();
  }

  /** @private */
  refused(code, message) {
    this.end(code);
    this.hooks.onRefused?.(code, message);
  }

  /**
   * The visit is over (refused, removed, broken): no more reconnects.
   * @param {string} code `javameet.errorCode`
   */
  end(code) {
    this.errorCode = code;
    this.lobbyWaiting = false;
    this.signaling?.close();
    this.setState('error');
  }
}
