// The join / reconnect state machine against a scripted fake server and a fake clock: no browser,
// no real waiting.  node --test web-client/src/test/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JoinFlow, Backoff, BACKOFF, HEALTHY_MS, PROBLEM_AFTER, REASONS, statusLine, DISCONNECTED_RESTART_MS,
  RESTART_TIMEOUT_MS,
} from '../../main/resources/javameet/web/js/joinflow.js';

/** Timers that fire only when the test advances time. */
class FakeClock {
  constructor() { this.t = 0; this.timers = []; this.seq = 0; }
  now() { return this.t; }
  setTimeout(fn, ms) { const id = ++this.seq; this.timers.push({ id, at: this.t + ms, fn }); return id; }
  clearTimeout(id) { this.timers = this.timers.filter((x) => x.id !== id); }
  /** Runs every timer due within ms, in order, letting promises settle after each. */
  async advance(ms) {
    const end = this.t + ms;
    await settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await settle();
    }
    this.t = end;
  }
}

const settle = () => new Promise((r) => setImmediate(r));

/**
 * A scripted server: `welcome(conn)` says whether a connection is welcomed, `onJoin(conn, req)` answers
 * a join ({joined}, {error: code}, {lobby: true}, or nothing for silence).
 */
class FakeServer {
  constructor() {
    this.welcome = () => true;
    this.onJoin = () => ({ joined: true });
    /** Answers a resume: {resumed: true} or {error: code}. */
    this.onResume = () => ({ resumed: true });
    this.resumes = [];
    this.tokens = 0;
    /** Whether `joined` carries a resume token (servers before resume did not). */
    this.resumable = false;
    /** @type {FakeConn[]} */
    this.conns = [];
    this.joins = [];
    this.nextId = 1;
  }
  open() { const c = new FakeConn(this); this.conns.push(c); return c; }
  get last() { return this.conns[this.conns.length - 1]; }
}

class FakeConn {
  constructor(server) { this.server = server; this.handlers = new Map(); this.open = false; this.closing = false; this.sent = []; }
  connect() {
    if (!this.server.welcome(this)) return Promise.reject(new Error('connection closed (1006)'));
    this.open = true;
    return Promise.resolve({ type: 'welcome', config: {}, interfaceConfig: {} });
  }
  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(fn);
    return () => this.handlers.get(type).delete(fn);
  }
  emit(type, msg) { for (const fn of [...(this.handlers.get(type) ?? [])]) fn(msg); }
  join(req) {
    this.server.joins.push(req);
    return new Promise((resolve, reject) => {
      const offs = [this.on('close', (ev) => { offs.forEach((o) => o()); reject(new Error(`connection closed (${ev.code})`)); })];
      const answer = this.server.onJoin(this, req) ?? {};
      if (answer.lobby) req.onWaiting?.({ type: 'lobbyWaiting' });
      if (answer.error) { offs.forEach((o) => o()); reject(Object.assign(new Error(answer.error), { code: answer.error })); }
      if (answer.joined) {
        offs.forEach((o) => o());
        resolve({ type: 'joined', room: req.room, you: { id: `p${this.server.nextId++}` }, participants: [],
          ...(this.server.resumable ? { resumeToken: `t${++this.server.tokens}` } : {}) });
      }
      this.admit = () => { offs.forEach((o) => o()); resolve({ type: 'joined', room: req.room, you: { id: 'admitted' }, participants: [] }); };
    });
  }
  resume(token) {
    this.server.resumes.push(token);
    const answer = this.server.onResume(this, token);
    if (answer.error) return Promise.reject(Object.assign(new Error(answer.error), { code: answer.error }));
    return Promise.resolve({ type: 'resumed', you: { id: 'p1' }, participants: [], resumeToken: `t${++this.server.tokens}` });
  }
  leave() { this.sent.push('leave'); }
  close() {
    if (!this.open && this.closing) return;
    this.closing = true;
    const wasOpen = this.open;
    this.open = false;
    if (wasOpen) this.emit('close', { code: 1000, expected: true });
  }
  /** The server or network drops the socket. */
  drop(code = 1006) { this.open = false; this.emit('close', { code, expected: false }); }
}

/** A flow wired to a fake server and clock, recording what the app would see. */
function setup({ random = () => 0.5, restarts = false, resumes = false } = {}) {
  const clock = new FakeClock();
  const server = new FakeServer();
  server.resumable = resumes;
  const events = { lost: [], joined: 0, refused: [], states: [], restarts: [], resumed: [], suspended: [] };
  const flow = new JoinFlow({
    open: () => server.open(),
    beforeJoin: () => ({ room: 'r', displayName: 'Ada', audioMuted: false, videoMuted: false }),
    // As the app does: publishing creates the publish connection at once, and it reports 'new'.
    onJoined: () => { events.joined++; flow.mediaState('publish', 'new'); },
    onLost: (reason) => events.lost.push(reason),
    onRefused: (code, message) => events.refused.push([code, message]),
    ...(restarts ? { restartIce: (which) => events.restarts.push(which) } : {}),
    ...(resumes ? {
      onSuspended: (reason) => events.suspended.push(reason),
      onResumed: (resumed) => events.resumed.push(resumed.you.id),
    } : {}),
  }, { clock, random, log: { warn: () => {} } });
  flow.subscribe((s) => { if (events.states[events.states.length - 1] !== s.state) events.states.push(s.state); });
  return { clock, server, flow, events };
}

/** Records each back-off wait the flow starts (the delay it chose). */
function recordWaits(flow, clock) {
  const waits = [];
  flow.subscribe((s) => {
    if (s.retryAt != null && waits.at(-1)?.at !== s.retryAt) waits.push({ at: s.retryAt, ms: s.retryAt - clock.now() });
  });
  return waits;
}

test('back-off: 0.5 s doubling to a 30 s cap, ±20 % jitter', () => {
  const mid = new Backoff({ random: () => 0.5 });
  assert.deepEqual(Array.from({ length: 10 }, () => mid.fail()),
    [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  const low = new Backoff({ random: () => 0 });
  const high = new Backoff({ random: () => 0.999999 });
  assert.deepEqual([low.fail(), low.fail(), low.fail()], [400, 800, 1600]);
  assert.deepEqual([high.fail(), high.fail(), high.fail()], [600, 1200, 2400]);
  for (let i = 0; i < 20; i++) { low.fail(); high.fail(); }
  assert.equal(low.fail(), BACKOFF.maxMs * 0.8);
  assert.equal(high.fail(), BACKOFF.maxMs * 1.2);
  mid.reset();
  assert.equal(mid.fail(), 500);
});

test('an unreachable server: retries back off, and the user is told after three failures', async () => {
  const { clock, server, flow } = setup();
  server.welcome = () => false;
  const waits = recordWaits(flow, clock);
  const started = flow.start();
  await clock.advance(0);
  assert.equal(flow.state, 'connecting');
  assert.equal(flow.problem, null, 'one failure is not yet worth a message');
  assert.equal(statusLine(flow.snapshot()), 'Cannot reach the server — reconnecting…');
  await clock.advance(500 + 1000);
  assert.equal(flow.backoff.failures, PROBLEM_AFTER);
  assert.equal(flow.problem, REASONS.unreachable);
  assert.equal(statusLine(flow.snapshot()), 'Cannot reach the server — still trying…');
  await clock.advance(10 * 60_000);
  assert.deepEqual(waits.slice(0, 9).map((w) => w.ms), [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  const attemptsIn10Min = server.conns.length;
  assert.ok(attemptsIn10Min < 30, `kept retrying at the cap, not faster: ${attemptsIn10Min} attempts`);
  server.welcome = () => true;
  await clock.advance(30_000);
  await started;
  assert.equal(flow.snapshot().connected, true);
  assert.equal(flow.problem, REASONS.unreachable, 'still shown: nothing has been healthy yet');
  flow.prejoin();
  assert.equal(flow.problem, null, 'a welcomed socket on the prejoin page is healthy');
});

test('media that never connects: the rejoin backs off although every welcome arrives', async () => {
  const { clock, server, flow, events } = setup();
  const waits = recordWaits(flow, clock);
  await flow.start();
  await flow.join();
  assert.equal(flow.state, 'joined');
  // Each join: media tries, then ICE fails (Chromium: about 30 s later) before it ever connected.
  const failMedia = async () => {
    flow.mediaState('publish', 'new');
    flow.mediaState('publish', 'connecting');
    await clock.advance(30_000);
    flow.mediaState('publish', 'failed');
    await settle();
  };
  for (let i = 0; i < 6; i++) {
    await failMedia();
    const wait = waits.at(-1).ms;
    await clock.advance(wait);
    assert.equal(flow.state, 'joined', `rejoined after failure ${i + 1}`);
  }
  assert.deepEqual(waits.map((w) => w.ms), [500, 1000, 2000, 4000, 8000, 16000]);
  assert.equal(events.joined, 7);
  assert.equal(statusLine(flow.snapshot()),
    'Media cannot connect: UDP to the server may be blocked — waiting for media to connect…');
  assert.equal(server.conns.length, 7, 'one new socket per rejoin');
  assert.equal(flow.problem, REASONS.mediaBlocked);
  assert.match(flow.problem, /UDP to the server may be blocked/);
  assert.deepEqual(events.lost, Array(6).fill(REASONS.mediaBlocked));
  assert.ok(server.conns.slice(0, -1).every((c) => c.closing), 'every failed connection was closed by us');
});

test('the back-off restarts only after media stayed connected for HEALTHY_MS', async () => {
  const { clock, flow } = setup();
  const waits = recordWaits(flow, clock);
  await flow.start();
  await flow.join();
  const cycle = async (connectedFor, how = 'failed') => {
    flow.mediaState('publish', 'connected');
    flow.mediaState('subscribe', 'connected');
    assert.equal(flow.problem, null, 'nothing to show while media is connected');
    await clock.advance(connectedFor);
    flow.mediaState('subscribe', how);
    await settle();
    await clock.advance(waits.at(-1).ms);
    assert.equal(flow.state, 'joined');
  };
  await cycle(1000);
  await cycle(1000);
  await cycle(HEALTHY_MS - 1);
  assert.deepEqual(waits.map((w) => w.ms), [500, 1000, 2000], 'short healthy spells do not reset');
  assert.equal(flow.problem, REASONS.mediaLost, 'three in a row: the user is told');
  await cycle(HEALTHY_MS);
  assert.equal(waits.at(-1).ms, 500, 'healthy for 30 s: back to the first step');
  assert.equal(flow.reason, REASONS.mediaLost, 'it had been connected, so it was lost, not blocked');
});

test('a connection that is only connecting is not healthy', async () => {
  const { clock, flow } = setup();
  const waits = recordWaits(flow, clock);
  await flow.start();
  await flow.join();
  flow.mediaState('publish', 'failed');
  await clock.advance(waits.at(-1).ms);
  flow.mediaState('publish', 'connected');
  flow.mediaState('subscribe', 'connecting');
  await clock.advance(5 * HEALTHY_MS);
  flow.mediaState('subscribe', 'failed');
  await settle();
  assert.equal(waits.at(-1).ms, 1000);
});

test("the server's media-failed error is the reason shown", async () => {
  const { clock, server, flow } = setup();
  const waits = recordWaits(flow, clock);
  await flow.start();
  await flow.join();
  for (let i = 0; i < PROBLEM_AFTER; i++) {
    flow.mediaState('publish', 'connecting');
    server.last.emit('error', { type: 'error', code: 'media-failed', message: 'DTLS handshake timed out' });
    await settle();
    if (i < PROBLEM_AFTER - 1) assert.equal(flow.problem, null);
    await clock.advance(waits.at(-1).ms);
  }
  assert.equal(flow.problem, `${REASONS.serverMedia}: DTLS handshake timed out`);
  assert.equal(flow.state, 'joined');
  flow.mediaState('publish', 'connected');
  assert.equal(flow.problem, null, 'gone once media connects');
});

test('a dropped socket in the meeting, without a resume token, reconnects and rejoins with the password', async () => {
  const { clock, server, flow, events } = setup();
  server.onJoin = (conn, req) => (req.password === 'pw' ? { joined: true } : { error: 'password-required' });
  await flow.start();
  await flow.join();
  assert.equal(flow.state, 'password');
  assert.equal(flow.snapshot().passwordWrong, false);
  await flow.submitPassword('pw');
  assert.equal(flow.state, 'joined');
  server.last.drop(1006);
  await settle();
  assert.equal(flow.state, 'connecting');
  assert.deepEqual(events.lost, [`${REASONS.socketClosed} (1006)`]);
  assert.equal(statusLine(flow.snapshot()), 'The connection to the server was lost (1006) — reconnecting…');
  assert.equal(flow.snapshot().connected, false);
  await clock.advance(600);
  assert.equal(flow.state, 'joined');
  assert.equal(statusLine(flow.snapshot()), null, 'one failure: no banner once back');
  assert.deepEqual(server.joins.map((j) => j.password), [null, 'pw', 'pw']);
});

test('a wrong password shows the page again, marked wrong', async () => {
  const { server, flow } = setup();
  server.onJoin = (conn, req) => ({ error: req.password ? 'wrong-password' : 'password-required' });
  await flow.start();
  await flow.join();
  await flow.submitPassword('nope');
  assert.equal(flow.state, 'password');
  assert.equal(flow.snapshot().passwordWrong, true);
});

test('too many wrong passwords shows the page again instead of ending the visit', async () => {
  const { server, flow } = setup();
  server.onJoin = (conn, req) => ({ error: req.password ? 'too-many-attempts' : 'password-required' });
  await flow.start();
  await flow.join();
  await flow.submitPassword('nope');
  assert.equal(flow.state, 'password');
  assert.equal(flow.snapshot().passwordWrong, true);
});

test('a socket dropped on the prejoin page reconnects without joining', async () => {
  const { clock, server, flow } = setup();
  await flow.start();
  flow.prejoin();
  server.last.drop();
  await settle();
  assert.equal(flow.state, 'prejoin');
  assert.equal(flow.snapshot().connected, false);
  await clock.advance(600);
  assert.equal(flow.state, 'prejoin');
  assert.equal(flow.snapshot().connected, true);
  assert.equal(server.joins.length, 0);
});

test('lobby: waiting, then admitted', async () => {
  const { server, flow } = setup();
  server.onJoin = () => ({ lobby: true });
  await flow.start();
  const joining = flow.join();
  await settle();
  assert.equal(flow.state, 'lobby');
  assert.equal(flow.snapshot().lobbyWaiting, true);
  server.last.admit();
  await joining;
  assert.equal(flow.state, 'joined');
  assert.equal(flow.snapshot().lobbyWaiting, false);
});

test('refused, removed or left: no reconnect afterwards', async () => {
  const { clock, server, flow, events } = setup();
  server.onJoin = () => ({ error: 'bad-token' });
  await flow.start();
  await flow.join();
  assert.equal(flow.state, 'error');
  assert.equal(flow.errorCode, 'bad-token');
  assert.deepEqual(events.refused, [['bad-token', 'bad-token']]);
  server.last.drop();
  await clock.advance(60_000);
  assert.equal(server.conns.length, 1);

  const second = setup();
  await second.flow.start();
  await second.flow.join();
  assert.equal(second.flow.leave(), true);
  assert.equal(second.flow.state, 'left');
  assert.deepEqual(second.server.last.sent, ['leave']);
  second.flow.mediaState('publish', 'failed');
  await second.clock.advance(60_000);
  assert.equal(second.server.conns.length, 1);
  assert.equal(second.flow.leave(), false, 'nothing left to leave');
  await second.flow.restart();
  await second.flow.join();
  assert.equal(second.flow.state, 'joined', 'Rejoin after leaving');
});

test('Join pressed while the prejoin page reconnects joins once the socket is back', async () => {
  const { clock, server, flow } = setup();
  await flow.start();
  flow.prejoin();
  server.last.drop();
  await settle();
  await flow.join();
  assert.equal(flow.state, 'connecting');
  assert.equal(server.joins.length, 0);
  await clock.advance(600);
  assert.equal(flow.state, 'joined');
  assert.equal(server.joins.length, 1);
});

test('a dropped socket in the meeting resumes the same participant: media is not stopped', async () => {
  const { clock, server, flow, events } = setup({ resumes: true });
  await flow.start();
  await flow.join();
  flow.mediaState('publish', 'connected');
  server.last.drop(1006);
  await settle();
  assert.equal(flow.state, 'joined', 'the meeting stays on screen');
  assert.equal(flow.snapshot().reconnecting, true);
  assert.equal(statusLine(flow.snapshot()), 'The connection to the server was lost (1006) — reconnecting…');
  assert.deepEqual(events.lost, [], 'media was not torn down');
  await clock.advance(600);
  assert.deepEqual(server.resumes, ['t1'], 'resumed with the token of joined');
  assert.deepEqual(events.resumed, ['p1']);
  assert.equal(server.joins.length, 1, 'no second join');
  assert.equal(flow.state, 'joined');
  assert.equal(flow.snapshot().reconnecting, false);
  server.last.drop(1006);
  await settle();
  await clock.advance(2000);
  assert.deepEqual(server.resumes, ['t1', 't2'], 'each resume uses the newest token');
});

test('a refused resume joins anew; a socket lost while resuming tries again', async () => {
  const { clock, server, flow, events } = setup({ resumes: true });
  await flow.start();
  await flow.join();
  let attempts = 0;
  server.welcome = () => ++attempts !== 1; // the first reconnect fails to connect at all
  server.onResume = () => ({ error: 'resume-failed' });
  server.last.drop(1006);
  await settle();
  await clock.advance(600 + 1200);
  assert.deepEqual(server.resumes, ['t1']);
  assert.equal(events.lost.length, 1);
  assert.match(events.lost[0], /Could not resume the meeting/);
  assert.equal(server.joins.length, 2, 'joined as a new participant');
  assert.equal(flow.state, 'joined');
});

test('failed media that had connected restarts ICE instead of rejoining', async () => {
  const { clock, server, flow, events } = setup({ restarts: true });
  await flow.start();
  await flow.join();
  flow.mediaState('publish', 'connected');
  flow.mediaState('subscribe', 'connected');
  flow.mediaState('subscribe', 'failed');
  assert.deepEqual(events.restarts, ['subscribe']);
  assert.deepEqual(events.lost, []);
  flow.mediaState('subscribe', 'connected');
  await clock.advance(60_000);
  assert.deepEqual(events.lost, [], 'the restart worked: still the same participant');
  assert.equal(server.joins.length, 1);

  // disconnected: a restart after DISCONNECTED_RESTART_MS unless it comes back first
  flow.mediaState('publish', 'disconnected');
  await clock.advance(DISCONNECTED_RESTART_MS - 1);
  flow.mediaState('publish', 'connected');
  await clock.advance(10_000);
  assert.deepEqual(events.restarts, ['subscribe']);
  flow.mediaState('publish', 'disconnected');
  await clock.advance(DISCONNECTED_RESTART_MS);
  assert.deepEqual(events.restarts, ['subscribe', 'publish']);

  // a restart that never connects: the meeting is joined anew, with a leave for the old participant
  await clock.advance(RESTART_TIMEOUT_MS);
  assert.deepEqual(events.lost, [REASONS.mediaLost]);
  assert.deepEqual(server.conns[0].sent, ['leave']);
});

test('media that never connected is not restarted: the rejoin path reports it blocked', async () => {
  const { flow, events } = setup({ restarts: true });
  await flow.start();
  await flow.join();
  flow.mediaState('publish', 'failed');
  assert.deepEqual(events.restarts, []);
  assert.deepEqual(events.lost, [REASONS.mediaBlocked]);
});
