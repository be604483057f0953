// Where a join's time goes: the first time each step of a join happens, as performance.now() (milliseconds
// since the page's navigation started). Read by the browser test that prints the join breakdown
// (JoinTimeBrowserTest, docs/performance.md) through window.javameet.joinMarks; costs one Map entry per step.

/**
 * The steps, in the order a join normally reaches them. The two media connections negotiate and connect
 * side by side, so `publish.*` and `subscribe.*` marks interleave; only each connection's own order is fixed.
 * @type {ReadonlyArray<string>}
 */
export const JOIN_STEPS = Object.freeze([
  'scriptsLoaded', // app.js runs: the page and every module it imports are loaded
  'wsOpen', // the signaling WebSocket is open
  'welcome', // the server's `welcome` (client config) arrived
  'mediaReady', // getUserMedia resolved (camera and microphone, or what exists)
  'joinSent',
  'joined',
  'meetingShown', // the page drew the meeting for `joined` (before it starts publishing)
  'publish.offerSent',
  'publish.answerApplied',
  'subscribe.offerReceived',
  'subscribe.answerSent',
  'publish.firstCandidate', // the connection's first local ICE candidate was gathered
  'subscribe.firstCandidate',
  'publish.iceChecking', // iceConnectionState 'checking': the browser has a pair to check
  'subscribe.iceChecking',
  'publish.iceConnected',
  'publish.dtlsConnected',
  'subscribe.iceConnected',
  'subscribe.dtlsConnected',
  'firstRemotePacket', // a remote video track unmuted: its first RTP packet arrived
  'firstRemoteFrame', // a remote video frame decoded and presented (requestVideoFrameCallback)
]);

/** First occurrence of each step in this page. */
export class JoinMarks {
  /** @param {() => number} [now] */
  constructor(now = () => performance.now()) {
    this.now = now;
    /** @type {Map<string, number>} */
    this.at = new Map();
  }

  /** Records a step the first time it happens; later ones (a reconnect, a renegotiation) are ignored. */
  mark(step) {
    if (!this.at.has(step)) this.at.set(step, this.now());
  }

  /** @returns {Object<string, number>} step → ms since navigation start, rounded to 0.1 ms */
  snapshot() {
    return Object.fromEntries([...this.at].map(([k, v]) => [k, Math.round(v * 10) / 10]));
  }
}

/** The page's one recorder. */
export const joinMarks = new JoinMarks();
