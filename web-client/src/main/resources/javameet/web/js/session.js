// The two RTCPeerConnections of docs/protocol.md:
//  - publish: we offer our tracks as sendonly transceivers, the server answers recvonly;
//  - subscribe: the server offers one sendonly m-line per track of every other participant, we answer.
// Two connections mean no offer ever crosses another (no glare).

/** @typedef {import('./protocol.js').SignalingConnection} SignalingConnection */
/** @typedef {import('./protocol.js').TrackInfo} TrackInfo */
/** @typedef {import('./protocol.js').SubscribeOfferMessage} SubscribeOfferMessage */

import { rejectionMessages } from './rejections.js';
import { joinMarks } from './joinmarks.js';
import {
  applyPausedRids, cameraEncodings, pausedLayersByMid, screenEncodings, supportsTemporalLayers,
} from './encodings.js';

const ANSWER_TIMEOUT_MS = 10_000;

/**
 * Both connections' RTCConfiguration. The server is ICE-lite with host candidates of its own, so it needs no
 * STUN; iceServers holds the TURN server (with this participant's credentials, from `joined`) for networks
 * that block the media port, and iceTransportPolicy 'relay' forces every packet through it.
 * @param {RTCIceServer[]} iceServers
 * @param {RTCIceTransportPolicy} iceTransportPolicy
 * @returns {RTCConfiguration}
 */
export function peerConnectionConfig(iceServers = [], iceTransportPolicy = 'all') {
  return { iceServers, iceTransportPolicy, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
}

/**
 * @typedef {Object} SessionEvents
 * @property {(tracks:RemoteTrack[]) => void} onTracks every remote m-line, after each subscribe offer
 * @property {(which:'publish'|'subscribe', state:RTCPeerConnectionState) => void} [onConnectionState]
 * @property {(message:string) => void} [onError]
 */

/**
 * A remote track with what the server said about it.
 * @typedef {Object} RemoteTrack
 * @property {string} mid
 * @property {string} participantId
 * @property {'audio'|'video'} kind
 * @property {'camera'|'microphone'|'screen'} source from TrackInfo.source, or inferred (see classifySources)
 * @property {boolean} active
 * @property {MediaStreamTrack} track
 * @property {string|null} trackId the track id of the offer's a=msid for this mid: what `tileSizes` names
 */

/**
 * The way a connection's media goes: our end of the selected candidate pair.
 * @typedef {Object} MediaPath
 * @property {string} candidateType host, srflx, prflx or relay (through the TURN server)
 * @property {string} protocol udp or tcp, between us (or the TURN server) and the SFU
 * @property {string|null} relayProtocol with relay: udp, tcp or tls, between us and the TURN server
 */

/**
 * Chromium sets up its WebRTC machinery (threads, network manager, codec factories) with a page's first
 * RTCPeerConnection, ~0.1 s of the main thread on a busy machine; later ones take a few milliseconds. Paying it
 * with a throw-away connection while the page waits for the WebSocket and the camera keeps it off the first
 * subscribe offer's path (docs/performance.md, Join to first frame). Harmless where there is no WebRTC.
 */
export function warmUpPeerConnections() {
  try {
    new RTCPeerConnection().close();
  } catch {
    // no WebRTC here: the join will say so
  }
}

/**
 * @param {RTCStatsReport} report
 * @returns {MediaPath|null} null while no pair is selected
 */
function selectedPath(report) {
  let pair;
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
  });
  const local = pair && report.get(pair.localCandidateId);
  if (!local) return null;
  return { candidateType: local.candidateType, protocol: local.protocol, relayProtocol: local.relayProtocol ?? null };
}

export class MediaSession {
  /**
   * @param {SignalingConnection} signaling
   * @param {SessionEvents} events
   * @param {{simulcast?: boolean}} [options] simulcast: the camera goes out as layers and the screen at a low frame
   *        rate (unless config.disableSimulcast, false by default); without it, as the browser chooses
   */
  constructor(signaling, events, options = {}) {
    this.signaling = signaling;
    this.events = events;
    this.simulcast = options.simulcast !== false;
    /** mid → the msid track id the subscribe offer gives it. @type {Map<string, string>} */
    this.trackIds = new Map();
    /** What new connections start with; setIceServers changes it for both. */
    this.pcConfig = peerConnectionConfig();
    /** @type {RTCPeerConnection|null} */
    this.publishPc = null;
    /** performance.now() when the first publish offer went to the server (nothing of ours is recorded before). */
    this.firstPublishOfferAt = null;
    /** @type {RTCPeerConnection|null} */
    this.subscribePc = null;
    /** mid → TrackInfo of the subscribe connection (latest offer wins). @type {Map<string, TrackInfo>} */
    this.tracks = new Map();
    /** Subscribe offers are applied strictly one after another. */
    this.subscribeQueue = Promise.resolve();
    /** Publish offers too, each waiting for its answer. */
    this.publishChain = Promise.resolve();
    /** @type {(() => void)|null} resolves the pending publish offer's wait */
    this.answerWaiter = null;
    /** What each of our transceivers carries, for `publishOffer.sources`. @type {Map<RTCRtpTransceiver, string>} */
    this.sources = new Map();
    /** @type {RTCRtpTransceiver|null} */
    this.screenTransceiver = null;
    this.closed = false;
    /** The next publish offer restarts ICE. */
    this.iceRestartNext = false;
    /** Our simulcast layers nobody needs now (`layersPaused`): mid → rids. @type {Map<string, Set<string>>} */
    this.pausedLayers = new Map();
    /** setParameters calls go one at a time (each needs the parameters of the one before). */
    this.layersChain = Promise.resolve();
    this.offs = [];
    this.bind(signaling);
  }

  /** @private */
  bind(signaling) {
    this.offs.forEach((off) => off());
    this.signaling = signaling;
    this.offs = [
      signaling.on('publishAnswer', (msg) => this.onPublishAnswer(msg)),
      signaling.on('layersPaused', (msg) => this.setPausedLayers(msg.tracks)),
      signaling.on('subscribeOffer', (msg) => {
        this.subscribeQueue = this.subscribeQueue.then(() => this.onSubscribeOffer(msg));
      }),
    ];
  }

  /**
   * The participant resumed on a new signaling connection: listen there. A publish offer that went out on the old
   * one may never be answered, so stop waiting for it and offer again (the server answers the same tracks).
   * The server sends a fresh subscribe offer by itself.
   * @param {SignalingConnection} signaling
   */
  rebind(signaling) {
    this.bind(signaling);
    this.answerWaiter?.();
    if (this.publishPc) this.negotiate();
  }

  /**
   * ICE restart (new ufrag/password; DTLS and the tracks stay): the publish connection re-offers with iceRestart,
   * the subscribe connection asks the server for an offer with new credentials.
   * @param {'publish'|'subscribe'} which
   */
  restartIce(which) {
    if (this.closed) return;
    if (which === 'publish' && this.publishPc) {
      this.iceRestartNext = true;
      this.answerWaiter?.(); // an offer lost on a failed path must not hold the restart back
      this.negotiate();
    } else if (which === 'subscribe' && this.subscribePc) {
      this.signaling.restartIce();
    }
  }

  /**
   * Creates the publish connection and sends its offer. Does nothing without tracks:
   * a participant without devices only receives (until they share their screen).
   * @param {MediaStream} localStream
   */
  async publish(localStream) {
    const tracks = localStream.getTracks();
    if (tracks.length === 0) return;
    const pc = this.ensurePublishPc();
    // Audio first, then video: a stable m-line order is easier to read in server logs.
    for (const kind of ['audio', 'video']) {
      const track = localStream.getTracks().find((t) => t.kind === kind);
      if (!track) continue;
      const transceiver = kind === 'video' && this.simulcast && layeredVideoTested()
        ? addVideoTransceiver(pc, track, localStream, cameraEncodings({
          simulcast: this.simulcast, temporalLayers: supportsTemporalLayers(RTCRtpSender.getCapabilities?.('video')),
          width: track.getSettings?.().width, height: track.getSettings?.().height }))
        : pc.addTransceiver(track, { direction: 'sendonly', streams: [localStream] });
      if (kind === 'video') preferCodec(transceiver, 'video/VP8');
      this.sources.set(transceiver, kind === 'audio' ? 'microphone' : 'camera');
    }
    await this.negotiate();
  }

  /**
   * Adds a screen share as a second sendonly video transceiver and re-offers, telling the server
   * its mid is a `screen` source.
   * @param {MediaStreamTrack} track from getDisplayMedia
   */
  async startScreen(track) {
    if (this.screenTransceiver) await this.stopScreen();
    const pc = this.ensurePublishPc();
    if ('contentHint' in track) track.contentHint = 'detail';
    const transceiver = this.simulcast && layeredVideoTested()
      ? addVideoTransceiver(pc, track, new MediaStream([track]), screenEncodings())
      : pc.addTransceiver(track, { direction: 'sendonly', streams: [new MediaStream([track])] });
    preferCodec(transceiver, 'video/VP8');
    this.sources.set(transceiver, 'screen');
    this.screenTransceiver = transceiver;
    await this.negotiate();
  }

  /** Stops the screen transceiver (its m-line becomes port 0) and re-offers. */
  async stopScreen() {
    const transceiver = this.screenTransceiver;
    if (!transceiver) return;
    this.screenTransceiver = null;
    this.sources.delete(transceiver);
    transceiver.sender.track?.stop();
    try {
      transceiver.stop();
    } catch {
      // older browsers: no stop(); an inactive m-line removes the track on the server as well
      await transceiver.sender.replaceTrack(null);
      transceiver.direction = 'inactive';
    }
    await this.negotiate();
  }

  /**
   * The TURN servers and credentials from `joined` (or a refresh), and the transport policy. Connections
   * already open take them too: their next ICE gathering (a restart) authenticates with the fresh ones.
   * @param {RTCIceServer[]} iceServers
   * @param {RTCIceTransportPolicy} iceTransportPolicy
   */
  setIceServers(iceServers, iceTransportPolicy) {
    this.pcConfig = peerConnectionConfig(iceServers, iceTransportPolicy);
    for (const pc of [this.publishPc, this.subscribePc]) {
      try {
        pc?.setConfiguration(this.pcConfig);
      } catch (e) {
        console.warn('could not update the ICE servers', e);
      }
    }
  }

  /** @private */
  ensurePublishPc() {
    if (!this.publishPc) {
      this.publishPc = new RTCPeerConnection(this.pcConfig);
      this.watch(this.publishPc, 'publish');
    }
    return this.publishPc;
  }

  /**
   * Offers the publish connection's current transceivers. Offers go out one at a time, each after
   * the previous answer, so a screen share started during the first negotiation waits its turn.
   */
  negotiate() {
    this.publishChain = this.publishChain
      .then(() => this.offerOnce())
      .catch((e) => this.fail(`Could not negotiate the publish connection: ${e.message}`, e));
    return this.publishChain;
  }

  /** @private */
  async offerOnce() {
    const pc = this.publishPc;
    if (!pc || this.closed) return;
    const iceRestart = this.iceRestartNext;
    this.iceRestartNext = false;
    const offer = await pc.createOffer(iceRestart ? { iceRestart: true } : undefined);
    await pc.setLocalDescription(offer);
    if (this.closed) return;
    /** @type {Object<string, string>} */
    const sources = {};
    for (const [t, source] of this.sources) {
      if (t.mid != null && t.direction !== 'stopped') sources[t.mid] = source;
    }
    const answered = new Promise((resolve) => { this.answerWaiter = resolve; });
    // The server is ICE-lite and learns our address from STUN: no need to wait for gathering.
    this.firstPublishOfferAt ??= performance.now();
    this.signaling.publishOffer(pc.localDescription.sdp, sources);
    joinMarks.mark('publish.offerSent');
    await Promise.race([answered, new Promise((r) => setTimeout(r, ANSWER_TIMEOUT_MS))]);
    this.answerWaiter = null;
  }

  /**
   * The server's `layersPaused` (or `resumed.layersPaused`): stop encoding the simulcast layers nobody receives,
   * start again those it no longer lists (docs/protocol.md). Senders whose mid is not known yet get it once the
   * publish answer is applied.
   * @param {unknown} tracks
   */
  setPausedLayers(tracks) {
    this.pausedLayers = pausedLayersByMid(tracks);
    this.applyPausedLayers();
  }

  /** @private */
  applyPausedLayers() {
    this.layersChain = this.layersChain.then(async () => {
      const pc = this.publishPc;
      if (!pc || this.closed) return;
      for (const t of pc.getTransceivers()) {
        if (t.mid == null || t.direction === 'stopped' || !t.sender.track) continue;
        const params = t.sender.getParameters();
        if (!applyPausedRids(params.encodings, this.pausedLayers.get(t.mid))) continue;
        try {
          await t.sender.setParameters(params);
        } catch (e) {
          console.warn(`session: could not pause or resume layers of mid ${t.mid}`, e);
        }
      }
    });
    return this.layersChain;
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
      joinMarks.mark('publish.answerApplied');
      if (this.pausedLayers.size > 0) this.applyPausedLayers(); // a new sender's mid is known now
      const sourceOfMid = (mid) => {
        for (const [t, source] of this.sources) if (t.mid === mid) return source;
        return undefined;
      };
      rejectionMessages(msg.rejected, sourceOfMid).forEach((m) => this.events.onError?.(m));
    } catch (e) {
      this.fail(`Could not apply the server's publish answer: ${e.message}`, e);
    } finally {
      this.answerWaiter?.();
    }
  }

  /** @param {SubscribeOfferMessage} msg */
  async onSubscribeOffer(msg) {
    if (this.closed) return;
    joinMarks.mark('subscribe.offerReceived');
    if (!this.subscribePc) {
      const pc = new RTCPeerConnection(this.pcConfig);
      this.subscribePc = pc;
      this.watch(pc, 'subscribe');
    }
    const pc = this.subscribePc;
    // Known before setRemoteDescription, because ontrack fires inside it.
    for (const info of msg.tracks ?? []) this.tracks.set(String(info.mid), info);
    for (const [mid, trackId] of msidTrackIds(msg.sdp)) this.trackIds.set(mid, trackId);
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      if (this.closed) return;
      this.signaling.subscribeAnswer(pc.localDescription.sdp, msg.version);
      joinMarks.mark('subscribe.answerSent');
      for (const t of pc.getTransceivers()) {
        const track = t.receiver.track;
        // a remote track is muted until its first packet arrives
        if (track.kind === 'video' && track.muted) {
          track.addEventListener('unmute', () => joinMarks.mark('firstRemotePacket'), { once: true });
        }
      }
      this.events.onTracks(this.remoteTracks());
    } catch (e) {
      this.fail(`Could not apply subscribe offer ${msg.version}: ${e.message}`, e);
    }
  }

  /**
   * Each participant's current audio level (0..1) from the receivers' synchronization sources: the
   * RFC 6464 level of the last packet, far cheaper than a full getStats() several times a second.
   * @returns {Map<string, number>}
   */
  audioLevels() {
    const levels = new Map();
    for (const t of this.subscribePc?.getTransceivers() ?? []) {
      if (t.mid == null || t.receiver.track.kind !== 'audio') continue;
      const info = this.tracks.get(String(t.mid));
      if (!info || info.active === false) continue;
      const now = performance.now();
      let level = 0;
      for (const s of t.receiver.getSynchronizationSources?.() ?? []) {
        if (now - s.timestamp < 1000) level = Math.max(level, s.audioLevel ?? 0);
      }
      levels.set(info.participantId, Math.max(levels.get(info.participantId) ?? 0, level));
    }
    return levels;
  }

  /** Every m-line of the subscribe connection with its receiver's track. @returns {RemoteTrack[]} */
  remoteTracks() {
    const list = [];
    for (const t of this.subscribePc?.getTransceivers() ?? []) {
      const info = t.mid != null ? this.tracks.get(String(t.mid)) : undefined;
      if (!info) continue;
      list.push({ ...info, mid: String(info.mid), active: info.active !== false, track: t.receiver.track,
        trackId: this.trackIds.get(String(info.mid)) ?? null });
    }
    return classifySources(list);
  }

  /** @private */
  watch(pc, which) {
    // Its first state too: whoever watches health must know this connection exists before it connects.
    this.events.onConnectionState?.(which, pc.connectionState);
    pc.addEventListener('connectionstatechange', () => {
      // 'connected' needs ICE and DTLS both: the DTLS handshake is done
      if (pc.connectionState === 'connected') joinMarks.mark(`${which}.dtlsConnected`);
      this.events.onConnectionState?.(which, pc.connectionState);
    });
    pc.addEventListener('iceconnectionstatechange', () => {
      if (pc.iceConnectionState === 'checking') joinMarks.mark(`${which}.iceChecking`);
      if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') joinMarks.mark(`${which}.iceConnected`);
    });
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate) joinMarks.mark(`${which}.firstCandidate`);
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
   * paths: how each connection reaches the server (selectedPath), null before it exists.
   * @returns {Promise<{inbound: Object[], outbound: Object[], remoteInbound: Object[], localAudioLevel: number,
   *                    paths: {publish: MediaPath|null, subscribe: MediaPath|null}}>}
   */
  async stats() {
    const inbound = [];
    const outbound = [];
    /** What the server reports back about our streams (RTCP receiver reports). */
    const remoteInbound = [];
    let localAudioLevel = 0;
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
          framesPerSecond: s.framesPerSecond ?? 0,
          freezeCount: s.freezeCount ?? 0,
          totalFreezesDuration: s.totalFreezesDuration ?? 0,
          bytesReceived: s.bytesReceived ?? 0,
          packetsReceived: s.packetsReceived ?? 0,
          packetsLost: s.packetsLost ?? 0,
          audioLevel: s.audioLevel ?? 0,
          totalSamplesReceived: s.totalSamplesReceived ?? 0,
          jitter: s.jitter ?? 0,
          source: info?.source ?? null,
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
        if (s.type === 'remote-inbound-rtp') {
          remoteInbound.push({ kind: s.kind, roundTripTime: s.roundTripTime ?? null,
            fractionLost: s.fractionLost ?? 0, jitter: s.jitter ?? 0 });
        }
        if (s.type === 'media-source' && s.kind === 'audio') localAudioLevel = Math.max(localAudioLevel, s.audioLevel ?? 0);
        if (s.type !== 'outbound-rtp') return;
        outbound.push({
          kind: s.kind,
          mid: s.mid ?? null,
          rid: s.rid ?? null,
          active: s.active ?? null,
          bytesSent: s.bytesSent ?? 0,
          packetsSent: s.packetsSent ?? 0,
          frameWidth: s.frameWidth ?? 0,
          frameHeight: s.frameHeight ?? 0,
          framesEncoded: s.framesEncoded ?? 0,
          framesPerSecond: s.framesPerSecond ?? 0,
          targetBitrate: s.targetBitrate ?? 0,
          qualityLimitationReason: s.qualityLimitationReason ?? null,
          availableOutgoingBitrate,
          roundTripTime: pair?.currentRoundTripTime ?? null,
        });
      });
    }
    const paths = {
      publish: this.publishPc ? selectedPath(await this.publishPc.getStats()) : null,
      subscribe: this.subscribePc ? selectedPath(await this.subscribePc.getStats()) : null,
    };
    return { inbound, outbound, remoteInbound, localAudioLevel, paths };
  }
}

/**
 * Whether this browser's simulcast and encoding parameters were tested against the server: Chromium (and its
 * kin) in SimulcastBrowserTest, Firefox in FirefoxSimulcastBrowserTest. Others (webrtcbin, Safari) send their
 * video as they always did, one stream with the browser's own parameters: their simulcast is not tested yet.
 */
function layeredVideoTested() {
  const nav = globalThis.navigator;
  if ((nav?.userAgentData?.brands ?? []).some((b) => b.brand === 'Chromium')) return true;
  return /\bFirefox\/\d+/.test(nav?.userAgent ?? '');
}

/**
 * A sendonly video transceiver with these encodings. A browser may refuse what it cannot do (a scalabilityMode,
 * more encodings than it simulcasts): then the same without scalabilityMode, then one plain encoding, so the
 * camera is always sent, in the best way this browser takes.
 * @param {RTCPeerConnection} pc @param {MediaStreamTrack} track @param {MediaStream} stream
 * @param {RTCRtpEncodingParameters[]} encodings
 */
function addVideoTransceiver(pc, track, stream, encodings) {
  const plain = encodings.map(({ scalabilityMode, ...rest }) => rest);
  const tries = [encodings, plain, [{}]];
  let last;
  for (const sendEncodings of tries) {
    try {
      return pc.addTransceiver(track, { direction: 'sendonly', streams: [stream], sendEncodings });
    } catch (e) {
      last = e;
      console.warn('session: the browser refused these encodings, trying simpler ones', sendEncodings, e);
    }
  }
  throw last;
}

/**
 * mid → the track id of each m-section's `a=msid:<stream> <track>` (RFC 8830). The receiver's
 * MediaStreamTrack.id need not be it (browsers may make their own), and `tileSizes` names the offer's.
 * @param {string} sdp
 * @returns {Map<string, string>}
 */
export function msidTrackIds(sdp) {
  const out = new Map();
  for (const section of String(sdp ?? '').split(/\r?\nm=/).slice(1)) {
    const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
    const track = /^a=msid:\S+ (\S+)/m.exec(section)?.[1];
    if (mid != null && track) out.set(mid, track);
  }
  return out;
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

/**
 * Fills in `source` where the server did not send it (before TrackInfo.source existed): audio is the
 * microphone; of one participant's active videos the first is the camera and a later one the screen.
 * @param {RemoteTrack[]} list
 * @returns {RemoteTrack[]}
 */
export function classifySources(list) {
  const videos = new Map();
  for (const t of list) {
    if (t.source) continue;
    if (t.kind === 'audio') { t.source = 'microphone'; continue; }
    if (!videos.has(t.participantId)) videos.set(t.participantId, []);
    videos.get(t.participantId).push(t);
  }
  for (const own of videos.values()) {
    const active = own.filter((t) => t.active).sort((a, b) => Number(a.mid) - Number(b.mid));
    for (const t of own) t.source = active.length > 1 && t === active[active.length - 1] ? 'screen' : 'camera';
  }
  return list;
}
