// A stand-in for the javameet server, for trying the web client without the Java server:
// serves the static files (index.html for "/" and "/<room>") and speaks docs/protocol.md on /ws with
// fake SDP (ICE never connects, but offers/answers, ontrack and the UI flow can be exercised).
//
//   node web-client/src/test/mock/mock-server.mjs [port]      (default 8765)
// Env: MOCK_CONFIG='{"prejoinPageEnabled":false}'  merged into the client config of `welcome`.
// HTTP: GET /mock/log  → every message received from clients; GET /mock/drop → closes all sockets;
//       GET /mock/leave-bot → the bot participant leaves (participantLeft + a new subscribe offer).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../main/resources/javameet/web');
const port = Number(process.argv[2] ?? 8765);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css',
  '.svg': 'image/svg+xml' };
const log = [];
const sockets = new Set();

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/mock/log') return send(res, 200, 'application/json', JSON.stringify(log));
  if (url.pathname === '/mock/drop') { for (const s of sockets) s.destroy(); return send(res, 200, 'text/plain', 'dropped'); }
  if (url.pathname === '/mock/leave-bot') { for (const s of sockets) s.meeting?.botLeaves(); return send(res, 200, 'text/plain', 'ok'); }
  let file = path.join(root, path.normalize(url.pathname));
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    if (/^\/[^/]*\/?$/.test(url.pathname)) file = path.join(root, 'index.html');
    else return send(res, 404, 'text/plain', 'not found');
  }
  res.setHeader('Content-Security-Policy', "default-src 'self'; connect-src 'self'; img-src 'self' data:; media-src 'self' blob:");
  send(res, 200, types[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
});

function send(res, status, type, body) { res.writeHead(status, { 'Content-Type': type }); res.end(body); }

// ---- minimal WebSocket (RFC 6455) for text frames ----
server.on('upgrade', (req, socket) => {
  if (req.url !== '/ws') return socket.destroy();
  const accept = crypto.createHash('sha1')
    .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => {});
  let buf = Buffer.alloc(0);
  const meeting = new Meeting((msg) => writeFrame(socket, 1, Buffer.from(JSON.stringify(msg))));
  socket.meeting = meeting;
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      const op = buf[0] & 0x0f;
      let len = buf[1] & 0x7f, off = 2;
      if (len === 126) { len = buf.readUInt16BE(2); off = 4; } else if (len === 127) { len = Number(buf.readBigUInt64BE(2)); off = 10; }
      if (buf.length < off + 4 + len) return;
      const mask = buf.subarray(off, off + 4);
      const data = Buffer.from(buf.subarray(off + 4, off + 4 + len)).map((b, i) => b ^ mask[i % 4]);
      buf = buf.subarray(off + 4 + len);
      if (op === 8) { writeFrame(socket, 8, Buffer.alloc(0)); socket.end(); return; }
      if (op === 9) { writeFrame(socket, 10, data); continue; }
      if (op === 1) meeting.receive(Buffer.from(data).toString('utf8'));
    }
  });
  meeting.start();
});

function writeFrame(socket, op, payload) {
  if (socket.destroyed) return;
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | op, len])
    : len < 65536 ? Buffer.from([0x80 | op, 126, len >> 8, len & 255])
      : Buffer.concat([Buffer.from([0x80 | op, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
  socket.write(Buffer.concat([head, payload]));
}

// ---- one client's view of a room with a bot participant ----
let nextId = 1;
const fingerprint = () => [...crypto.randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');

class Meeting {
  constructor(out) { this.out = out; this.version = 0; this.pending = null; this.tracks = []; this.joined = false; }
  start() {
    this.out({ type: 'welcome', serverVersion: 'mock', config: { prejoinPageEnabled: true, ...JSON.parse(process.env.MOCK_CONFIG ?? '{}') },
      interfaceConfig: { appName: 'javameet', showWatermark: true, logoUrl: '', welcomeText: 'Secure, self-hosted video meetings.' } });
  }
  receive(text) {
    let msg;
    try { msg = JSON.parse(text); } catch { return this.out({ type: 'error', code: 'bad-json', message: 'not JSON' }); }
    log.push(msg.type === 'publishOffer' || msg.type === 'subscribeAnswer' ? { ...msg, sdp: `${msg.sdp.length} chars` } : msg);
    switch (msg.type) {
      case 'ping': return this.out({ type: 'pong' });
      case 'join': {
        if (!/^[A-Za-z0-9._~-]{1,64}$/.test(msg.room ?? '')) return this.out({ type: 'error', code: 'bad-room', message: 'bad room name', requestType: 'join', id: msg.id });
        this.joined = true;
        this.me = { id: `p${nextId++}`, displayName: msg.displayName, audioMuted: !!msg.audioMuted, videoMuted: !!msg.videoMuted, moderator: true };
        this.bot = { id: `bot${nextId++}`, displayName: 'Bob Bot', audioMuted: false, videoMuted: false, moderator: false };
        this.out({ type: 'joined', room: msg.room, you: this.me, participants: [this.bot] });
        this.tracks = [{ mid: '0', participantId: this.bot.id, kind: 'audio', active: true },
          { mid: '1', participantId: this.bot.id, kind: 'video', active: true }];
        this.offer();
        setTimeout(() => this.out({ type: 'participantUpdated', participant: { ...this.bot, audioMuted: true } }), 1500);
        setTimeout(() => {
          this.carol = { id: `p${nextId++}`, displayName: 'Carol', audioMuted: false, videoMuted: true };
          this.out({ type: 'participantJoined', participant: this.carol });
          this.tracks.push({ mid: '2', participantId: this.carol.id, kind: 'audio', active: true },
            { mid: '3', participantId: this.carol.id, kind: 'video', active: true });
          this.offer();
        }, 2000);
        this.out({ type: 'error', code: 'bad-message', message: 'mock: this is what an error toast looks like' });
        return;
      }
      case 'publishOffer': return this.out({ type: 'publishAnswer', sdp: answerFor(msg.sdp) });
      case 'subscribeAnswer':
        if (msg.version !== this.pending?.version) return this.out({ type: 'error', code: 'stale-answer', message: 'stale', requestType: msg.type });
        this.pending = null;
        if (this.queued) { this.queued = false; this.offer(); }
        return;
      case 'updateMedia': Object.assign(this.me, msg); delete this.me.type; return;
      case 'leave': return;
      default: return this.out({ type: 'error', code: 'bad-message', message: `unknown type ${msg.type}`, requestType: msg.type });
    }
  }
  botLeaves() {
    if (!this.bot) return;
    this.out({ type: 'participantLeft', participantId: this.bot.id, reason: 'left' });
    this.tracks = this.tracks.map((t) => (t.participantId === this.bot.id ? { ...t, active: false } : t));
    this.offer();
  }
  offer() {
    if (this.pending) { this.queued = true; return; }
    this.version += 1;
    this.pending = { version: this.version };
    this.out({ type: 'subscribeOffer', version: this.version, tracks: this.tracks, sdp: subscribeOffer(this.tracks, this.version) });
  }
}

const ICE = () => [`a=ice-ufrag:${crypto.randomBytes(4).toString('hex')}`, `a=ice-pwd:${crypto.randomBytes(12).toString('hex')}`,
  `a=fingerprint:sha-256 ${fingerprint()}`];
const FP = fingerprint();
const UFRAG = 'mockufrg', PWD = 'mockpasswordmockpassword';
const CANDIDATE = 'a=candidate:1 1 udp 2130706431 127.0.0.1 10000 typ host';

function subscribeOffer(tracks, version) {
  const mids = tracks.map((t) => t.mid).join(' ');
  const lines = ['v=0', `o=- 4242 ${version} IN IP4 127.0.0.1`, 's=-', 't=0 0', `a=group:BUNDLE ${mids}`, 'a=ice-lite', 'a=msid-semantic: WMS'];
  for (const t of tracks) {
    const audio = t.kind === 'audio';
    lines.push(audio ? 'm=audio 10000 UDP/TLS/RTP/SAVPF 111' : 'm=video 10000 UDP/TLS/RTP/SAVPF 96 97',
      'c=IN IP4 127.0.0.1', `a=ice-ufrag:${UFRAG}`, `a=ice-pwd:${PWD}`, `a=fingerprint:sha-256 ${FP}`, 'a=setup:actpass',
      `a=mid:${t.mid}`, t.active ? 'a=sendonly' : 'a=inactive', 'a=rtcp-mux', CANDIDATE);
    if (audio) lines.push('a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1');
    else lines.push('a=rtpmap:96 VP8/90000', 'a=rtcp-fb:96 nack', 'a=rtcp-fb:96 nack pli', 'a=rtcp-fb:96 ccm fir',
      'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96');
    if (t.active) {
      const ssrc = 1000 + Number(t.mid) * 10;
      lines.push(`a=msid:${t.participantId} ${t.participantId}-${t.kind}`, `a=ssrc:${ssrc} cname:${t.participantId}`);
    }
  }
  return lines.join('\r\n') + '\r\n';
}

function answerFor(offer) {
  const sections = offer.split(/\r\n(?=m=)/);
  const session = sections.shift().split('\r\n');
  const out = ['v=0', 'o=- 4343 1 IN IP4 127.0.0.1', 's=-', 't=0 0', ...session.filter((l) => l.startsWith('a=group:')), 'a=ice-lite'];
  for (const sec of sections) {
    const lines = sec.split('\r\n').filter(Boolean);
    out.push(lines[0], 'c=IN IP4 127.0.0.1', `a=ice-ufrag:${UFRAG}`, `a=ice-pwd:${PWD}`, `a=fingerprint:sha-256 ${FP}`,
      'a=setup:passive', 'a=recvonly', 'a=rtcp-mux', CANDIDATE,
      ...lines.filter((l) => /^a=(mid|rtpmap|fmtp|rtcp-fb|extmap):/.test(l)));
  }
  return out.join('\r\n') + '\r\n';
}

server.listen(port, '127.0.0.1', () => console.log(`mock javameet on http://127.0.0.1:${port}/ (static root ${root})`));
