// The TURN servers with our credentials, from `joined`, `resumed` or `iceServers` (docs/protocol.md). They expire
// (iceServersTtl): fresh ones are asked for at 80% of their life, so an ICE restart late in a long meeting can still
// allocate a relay. (A relay already allocated keeps working past expiry: coturn checks the credentials when
// allocating, docs/configuration.md.)

export class IceServersRefresh {
  /** @param {() => {setIceServers(servers: RTCIceServer[], policy: string|undefined): void}|null} session */
  constructor(session) {
    this.session = session;
    this.timer = undefined;
  }

  /**
   * @param {{iceServers?: RTCIceServer[], iceServersTtl?: number}} msg
   * @param {{refreshIceServers(): void}} conn where to ask for fresh ones
   * @param {string|undefined} policy the client's `iceTransportPolicy`
   */
  use(msg, conn, policy) {
    const servers = msg.iceServers ?? [];
    if (policy === 'relay' && servers.length === 0) {
      console.warn('iceTransportPolicy is relay but the server offers no TURN server: media cannot connect');
    }
    this.session()?.setIceServers(servers, policy);
    this.stop();
    if (msg.iceServersTtl > 0) {
      this.timer = setTimeout(() => conn.refreshIceServers(), msg.iceServersTtl * 800);
    }
  }

  /** No more refreshes: the connection is gone or we left. */
  stop() {
    clearTimeout(this.timer);
  }
}
