// The two RTCPeerConnections of docs/protocol.md:
//  - publish: we offer our tracks as sendonly transceivers, the server answers recvonly;
//  - subscribe: the server offers one sendonly m-line per track of every other participant, we answer.
// Two connections mean no offer ever crosses another (no glare).

/** @typedef {import('./protocol.js').SignalingConnection} SignalingConnection */
/** @typedef {import('./protocol.js').TrackInfo} TrackInfo */
/** @typedef {import('./protocol.js').SubscribeOfferMessage} SubscribeOfferMessage */

const PC_CONFIG = /** @type {RTCConfiguration} */ ({
  iceServers: [], // the server is ICE-lite with host candidates on one UDP port
  bundlePolicy: 'max-bundle',
  rtcpMuxPolicy: 'require',
});

/**
 * @typedef {Object} SessionEvents
 * @property {(participantId:string, track:MediaStreamTrack, mid:string) => void} onTrack
 * @property {(which:'publish'|'subscribe', state:RTCPeerConnectionState) => void} [onConnectionState]
 * @property {(message:string) => void} [onError]
 */

export class MediaSession {
  /**
   * @param {SignalingConnection} signaling
   * @param {SessionEvents} events
   */
  constructor(signaling, events) {
    this.signaling = signaling;
    this.events = events;
    /** @type {RTCPeerConnection|null} */
    this.publishPc = null;
    /** @type {RTCPeerConnection|null} */
    this.subscribePc = null;
    /** mid → TrackInfo of the subscribe connection (latest offer wins). @type {Map<string, TrackInfo>} */
    this.tracks = new Map();
    /** Subscribe offers are applied strictly one after another. */
    this.subscribeQueue = Promise.resolve();
    this.closed = false;
    this.offs = [
      signaling.on('publishAnswer', (msg) => this.onPublishAnswer(msg)),
      signaling.on('subscribeOffer', (msg) => {
        this.subscribeQueue = this.subscribeQueue.then(() => this.onSubscribeOffer(msg));
      }),
    ];
  }

  /**
   * Creates the publish connection and sends its offer. Does nothing without tracks:
   * a participant without devices only receives.
   * @param {MediaStream} localStream
   */
  async publish(localStream) {
    const tracks = localStream.getTracks();
    if (tracks.length === 0) return;
    const pc = new RTCPeerConnection(PC_CONFIG);
    this.publishPc = pc;
    this.watch(pc, 'publish');
    // Audio first, then video: a stable m-line order is easier to read in server logs.
    for (const kind of ['audio', 'video']) {
      const track = localStream.getTracks().find((t) => t.kind === kind);
      if (!track) continue;
      const transceiver = pc.addTransceiver(track, { direction: 'sendonly', streams: [localStream] });
      if (kind === 'video') preferCodec(transceiver, 'video/VP8');
    }
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    if (this.closed) return;
    // The server is ICE-lite and learns our address from STUN: no need to wait for gathering.
    this.signaling.publishOffer(pc.localDescription.sdp);
  }

  /** Swaps the track being sent for one kind (e.g. another camera) without renegotiation. */
  async replaceTrack(kind, track) {
    const sender = this.publishPc?.getSenders().find((s) => s.track?.kind === kind);
    if (sender) await sender.replaceTrack(track);
  }

  /** @param {import('./protocol.js').PublishAnswerMessage} msg */
  async onPublishAnswer(msg) {
    const pc = this.publishPc;
    if (!pc || this.closed) return;
    if (pc.signalingState !== 'have-local-offer') {
      console.warn('session: publishAnswer without a pending offer, ignored');
      return;
    }
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
    } catch (e) {
      this.fail(`Could not apply the server's publish answer: ${e.message}`, e);
    }
  }

  /** @param {SubscribeOfferMessage} msg */
  async onSubscribeOffer(msg) {
    if (this.closed) return;
    if (!this.subscribePc) {
      const pc = new RTCPeerConnection(PC_CONFIG);
      this.subscribePc = pc;
      this.watch(pc, 'subscribe');
      pc.ontrack = (ev) => this.onRemoteTrack(ev);
    }
    const pc = this.subscribePc;
    // Known before setRemoteDescription, because ontrack fires inside it.
    for (const info of msg.tracks ?? []) this.tracks.set(String(info.mid), info);
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      if (this.closed) return;
      this.signaling.subscribeAnswer(pc.localDescription.sdp, msg.version);
    } catch (e) {
      this.fail(`Could not apply subscribe offer ${msg.version}: ${e.message}`, e);
    }
  }

  /** @param {RTCTrackEvent} ev */
  onRemoteTrack(ev) {
    const mid = ev.transceiver?.mid ?? '';
    const participantId = this.tracks.get(mid)?.participantId ?? ev.streams[0]?.id;
    if (!participantId) {
      console.warn(`session: track for mid ${mid} without a participant, ignored`);
      return;
    }
    this.events.onTrack(participantId, ev.track, mid);
  }

  /** @private */
  watch(pc, which) {
    pc.addEventListener('connectionstatechange', () => {
      this.events.onConnectionState?.(which, pc.connectionState);
    });
  }

  /** @private */
  fail(message, error) {
    console.warn(`session: ${message}`, error);
    this.events.onError?.(message);
  }

  close() {
    this.closed = true;
    this.offs.forEach((off) => off());
    this.publishPc?.close();
    this.subscribePc?.close();
  }

  /**
   * Flattened getStats() of both connections, inbound streams mapped to participants.
   * @returns {Promise<{inbound: Object[], outbound: Object[]}>}
   */
  async stats() {
    const inbound = [];
    const outbound = [];
    if (this.subscribePc) {
      const trackToMid = new Map();
      for (const t of this.subscribePc.getTransceivers()) {
        if (t.mid != null) trackToMid.set(t.receiver.track.id, t.mid);
      }
      const report = await this.subscribePc.getStats();
      report.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        const mid = s.mid ?? trackToMid.get(s.trackIdentifier);
        const info = mid != null ? this.tracks.get(String(mid)) : undefined;
        inbound.push({
          participantId: info?.participantId ?? null,
          kind: s.kind ?? info?.kind,
          mid: mid ?? null,
          framesDecoded: s.framesDecoded ?? 0,
          frameWidth: s.frameWidth ?? 0,
          frameHeight: s.frameHeight ?? 0,
          bytesReceived: s.bytesReceived ?? 0,
          packetsReceived: s.packetsReceived ?? 0,
          packetsLost: s.packetsLost ?? 0,
          audioLevel: s.audioLevel ?? 0,
          totalSamplesReceived: s.totalSamplesReceived ?? 0,
        });
      });
    }
    if (this.publishPc) {
      const report = await this.publishPc.getStats();
      // The selected pair carries the bandwidth estimate; fall back to any nominated pair.
      let pair;
      report.forEach((s) => {
        if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
      });
      if (!pair) report.forEach((s) => { if (s.type === 'candidate-pair' && s.nominated) pair = s; });
      const availableOutgoingBitrate = pair?.availableOutgoingBitrate ?? 0;
      report.forEach((s) => {
        if (s.type !== 'outbound-rtp') return;
        outbound.push({
          kind: s.kind,
          mid: s.mid ?? null,
          bytesSent: s.bytesSent ?? 0,
          packetsSent: s.packetsSent ?? 0,
          frameWidth: s.frameWidth ?? 0,
          frameHeight: s.frameHeight ?? 0,
          framesEncoded: s.framesEncoded ?? 0,
          targetBitrate: s.targetBitrate ?? 0,
          availableOutgoingBitrate,
        });
      });
    }
    return { inbound, outbound };
  }
}

/**
 * Moves one codec (and keeps its RTX/RED/FEC companions) to the front of the transceiver's list.
 * @param {RTCRtpTransceiver} transceiver
 * @param {string} mimeType e.g. 'video/VP8'
 */
function preferCodec(transceiver, mimeType) {
  if (typeof transceiver.setCodecPreferences !== 'function') return;
  const caps = RTCRtpReceiver.getCapabilities?.(transceiver.receiver.track.kind);
  if (!caps) return;
  const wanted = mimeType.toLowerCase();
  const first = caps.codecs.filter((c) => c.mimeType.toLowerCase() === wanted);
  if (first.length === 0) return;
  const rest = caps.codecs.filter((c) => c.mimeType.toLowerCase() !== wanted);
  try {
    transceiver.setCodecPreferences([...first, ...rest]);
  } catch (e) {
    console.warn('session: setCodecPreferences failed, keeping browser order', e);
  }
}
