// Tells the server how each of our media connections goes (docs/protocol.md, `mediaPath`): our end of the selected
// candidate pair from getStats. The server sees whether media comes over UDP or ICE-TCP, but a TURN relay looks
// like any UDP peer to it; operators see relay-udp / relay-tcp / relay-tls in the participants panel and /metrics.

/** @typedef {import('./session.js').MediaPath} MediaPath */

const CANDIDATE_TYPES = new Set(['host', 'srflx', 'prflx', 'relay']);
const PROTOCOLS = new Set(['udp', 'tcp']);
const RELAY_PROTOCOLS = new Set(['udp', 'tcp', 'tls']);

/**
 * The `mediaPath` message for one connection's path, or null when there is nothing the server would take (no pair
 * selected yet, or a value it does not know: a browser's stats are not ours to vouch for).
 * @param {'publish'|'subscribe'} connection
 * @param {MediaPath|null} path
 * @returns {{type:'mediaPath', connection:string, candidateType:string, protocol:string, relayProtocol?:string}|null}
 */
export function mediaPathMessage(connection, path) {
  if (!path || !CANDIDATE_TYPES.has(path.candidateType) || !PROTOCOLS.has(path.protocol)) return null;
  const msg = { type: 'mediaPath', connection, candidateType: path.candidateType, protocol: path.protocol };
  if (path.candidateType === 'relay') {
    if (!RELAY_PROTOCOLS.has(path.relayProtocol ?? '')) return null;
    msg.relayProtocol = path.relayProtocol;
  }
  return msg;
}

/** Sends each connection's path when it changes (an ICE restart may pick another); remembers what was sent. */
export class PathReporter {
  /** @param {(msg: Object) => boolean} send true when it went out */
  constructor(send) {
    this.send = send;
    /** connection → the last report sent, as JSON. @type {Map<string, string>} */
    this.sent = new Map();
  }

  /**
   * @param {{publish: MediaPath|null, subscribe: MediaPath|null}|undefined} paths from MediaSession.stats()
   */
  update(paths) {
    for (const connection of /** @type {const} */ (['publish', 'subscribe'])) {
      const msg = mediaPathMessage(connection, paths?.[connection] ?? null);
      if (!msg) continue;
      const text = JSON.stringify(msg);
      if (this.sent.get(connection) === text) continue;
      if (this.send(msg)) this.sent.set(connection, text);
    }
  }

  /** A new signaling connection (join, resume): say everything again on it. */
  reset() {
    this.sent.clear();
  }
}
