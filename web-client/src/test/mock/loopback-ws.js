// Injected before the app (drive.mjs INJECT=loopback-ws.js): replaces window.WebSocket with an
// in-page fake server whose "SFU" is a pair of local RTCPeerConnections. One remote participant
// ("loop1") sends the fake camera and microphone, so real frames reach the client's subscribe
// connection and its stats, ontrack mapping and firstFrameAt can be checked without the Java server.
(() => {
  const waitGathered = (pc) => new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  class FakeSocket extends EventTarget {
    constructor(url) {
      super();
      this.url = url;
      this.readyState = 0;
      setTimeout(() => {
        this.readyState = 1;
        this.onopen?.({});
        this.deliver({ type: 'welcome', serverVersion: 'loopback', config: { prejoinPageEnabled: false },
          interfaceConfig: { appName: 'javameet loopback' } });
      }, 10);
    }
    deliver(msg) { if (this.readyState === 1) this.onmessage?.({ data: JSON.stringify(msg) }); }
    send(text) { this.handle(JSON.parse(text)).catch((e) => console.error('loopback', e)); }
    close() { this.readyState = 3; setTimeout(() => this.onclose?.({ code: 1000, reason: '' }), 0); }
    async handle(m) {
      if (m.type === 'join') {
        this.deliver({ type: 'joined', room: m.room,
          you: { id: 'me1', displayName: m.displayName, audioMuted: !!m.audioMuted, videoMuted: !!m.videoMuted },
          participants: [{ id: 'loop1', displayName: 'Loop Back', audioMuted: false, videoMuted: false }] });
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        const pc = new RTCPeerConnection();
        this.sender = pc;
        pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly', streams: [stream] });
        pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', streams: [stream] });
        await pc.setLocalDescription(await pc.createOffer());
        await waitGathered(pc);
        const sdp = pc.localDescription.sdp.replace(/^a=msid:\S+ /gm, 'a=msid:loop1 ');
        this.deliver({ type: 'subscribeOffer', version: 1, sdp, tracks: [
          { mid: '0', participantId: 'loop1', kind: 'audio', active: true },
          { mid: '1', participantId: 'loop1', kind: 'video', active: true }] });
      } else if (m.type === 'subscribeAnswer') {
        await this.sender.setRemoteDescription({ type: 'answer', sdp: m.sdp });
      } else if (m.type === 'publishOffer') {
        const pc = new RTCPeerConnection();
        this.receiver = pc;
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        await waitGathered(pc);
        this.deliver({ type: 'publishAnswer', sdp: pc.localDescription.sdp });
      } else if (m.type === 'ping') {
        this.deliver({ type: 'pong' });
      }
    }
  }
  Object.assign(FakeSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = FakeSocket;
})();
