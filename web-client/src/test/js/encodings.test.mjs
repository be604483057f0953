// The camera's simulcast encodings, the screen's one, and the heights we report in tileSizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cameraEncodings, screenEncodings, simulcastLayerCount, supportsTemporalLayers, neededHeight, changedTiles, HIDDEN_TILE_HEIGHT,
  pausedLayersByMid, applyPausedRids,
} from '../../main/resources/javameet/web/js/encodings.js';
import { TileSizeReporter } from '../../main/resources/javameet/web/js/tilesizes.js';
import { msidTrackIds } from '../../main/resources/javameet/web/js/session.js';

test('the camera goes out as r0/r1/r2, lowest first, each a quarter, half and all of the capture', () => {
  const e = cameraEncodings({ simulcast: true, temporalLayers: true });
  assert.deepEqual(e.map((x) => x.rid), ['r0', 'r1', 'r2']);
  assert.deepEqual(e.map((x) => x.scaleResolutionDownBy), [4, 2, 1]);
  assert.ok(e.every((x) => x.scalabilityMode === 'L1T3' && x.active === true));
  const rates = e.map((x) => x.maxBitrate);
  assert.ok(rates[0] < rates[1] && rates[1] < rates[2], `rising caps: ${rates}`);
  assert.ok(rates.reduce((a, b) => a + b) <= 2_500_000, 'all three fit under the server\'s 2.5 Mbit/s REMB');
});

test('as many layers as Chromium encodes of the capture, the top one always at full resolution', () => {
  assert.equal(simulcastLayerCount(1280, 720), 3);
  assert.equal(simulcastLayerCount(960, 540), 3);
  assert.equal(simulcastLayerCount(640, 360), 2);
  assert.equal(simulcastLayerCount(320, 180), 1);
  assert.equal(simulcastLayerCount(0, 0), 3, 'unknown: the 720p we ask for');
  const hd = cameraEncodings({ simulcast: true, temporalLayers: false, width: 1280, height: 720 });
  assert.deepEqual(hd.map((x) => [x.rid, x.scaleResolutionDownBy]), [['r0', 4], ['r1', 2], ['r2', 1]]);
  // the test browsers' 640x360 clip: 320x180 and 640x360, not three of which Chromium would drop the top
  const sd = cameraEncodings({ simulcast: true, temporalLayers: false, width: 640, height: 360 });
  assert.deepEqual(sd.map((x) => [x.rid, x.scaleResolutionDownBy]), [['r1', 2], ['r2', 1]]);
  const tiny = cameraEncodings({ simulcast: true, temporalLayers: false, width: 320, height: 180 });
  assert.equal(tiny.length, 1);
  assert.equal(tiny[0].rid, undefined, 'one layer is no simulcast');
});

test('without temporal layers no scalabilityMode is asked for; without simulcast one encoding, no rid', () => {
  assert.ok(cameraEncodings({ simulcast: true, temporalLayers: false }).every((x) => !('scalabilityMode' in x)));
  const single = cameraEncodings({ simulcast: false, temporalLayers: true });
  assert.equal(single.length, 1);
  assert.equal(single[0].rid, undefined);
  assert.equal(single[0].scalabilityMode, 'L1T3');
});

test('the screen is one full-resolution encoding at a low frame rate', () => {
  const [e, ...rest] = screenEncodings();
  assert.equal(rest.length, 0);
  assert.equal(e.scaleResolutionDownBy, 1);
  assert.ok(e.maxFramerate <= 15);
});

test('L1T3 only where the browser lists it for VP8', () => {
  assert.equal(supportsTemporalLayers({ codecs: [{ mimeType: 'video/VP8', scalabilityModes: ['L1T1', 'L1T2', 'L1T3'] }] }), true);
  assert.equal(supportsTemporalLayers({ codecs: [{ mimeType: 'video/VP8' }] }), false, 'no list: not asked');
  assert.equal(supportsTemporalLayers({ codecs: [{ mimeType: 'video/VP9', scalabilityModes: ['L1T3'] }] }), false);
  assert.equal(supportsTemporalLayers(null), false);
});

test('a tile that crops the video needs its height, or more when it is wider than the video', () => {
  assert.equal(neededHeight({ cssWidth: 320, cssHeight: 180, fit: 'cover' }), 180);
  assert.equal(neededHeight({ cssWidth: 320, cssHeight: 180, fit: 'cover', devicePixelRatio: 2 }), 360);
  // a 3:4 phone tile 150 wide, 200 tall: a 16:9 video cropped to fill it must be 200 tall
  assert.equal(neededHeight({ cssWidth: 150, cssHeight: 200, fit: 'cover' }), 200);
  // a wide strip: the video must be as wide as the box, so taller than it
  assert.equal(neededHeight({ cssWidth: 640, cssHeight: 100, fit: 'cover' }), 360);
  // the spotlight fits the video inside: a wide box is bound by its height, a tall one by its width
  assert.equal(neededHeight({ cssWidth: 1600, cssHeight: 600, fit: 'contain' }), 600);
  assert.equal(neededHeight({ cssWidth: 640, cssHeight: 900, fit: 'contain' }), 360);
  assert.equal(neededHeight({ cssWidth: 400, cssHeight: 400, fit: 'contain', aspect: 4 / 3 }), 300);
});

test('a video shown nowhere asks for the lowest layer, never for none; heights stay in the server\'s range', () => {
  assert.equal(neededHeight({ cssWidth: 0, cssHeight: 0, fit: 'cover' }), HIDDEN_TILE_HEIGHT);
  assert.equal(neededHeight({ cssWidth: 300, cssHeight: 0, fit: 'cover' }), HIDDEN_TILE_HEIGHT);
  assert.equal(neededHeight({ cssWidth: 1e6, cssHeight: 1e6, fit: 'cover' }), 4320);
  assert.equal(neededHeight({ cssWidth: 320, cssHeight: 180, fit: 'cover', devicePixelRatio: NaN, aspect: 0 }), 180);
});

test('only changed tiles are reported, at most 100', () => {
  const last = new Map([['a', 180], ['b', 360]]);
  assert.deepEqual(changedTiles(last, new Map([['a', 180], ['b', 90], ['c', 720]])),
    [{ trackId: 'b', height: 90 }, { trackId: 'c', height: 720 }]);
  assert.deepEqual(changedTiles(last, new Map([['a', 180]])), [], 'a track that went is not reported');
  const many = new Map(Array.from({ length: 150 }, (_, i) => [`t${i}`, 100]));
  assert.equal(changedTiles(new Map(), many).length, 100);
});

test('the reporter sends what changed, nothing when nothing did, and everything again after a reset', () => {
  let boxes = [{ trackId: 'cam-a', cssWidth: 320, cssHeight: 180, fit: 'cover' }];
  const sent = [];
  let connected = true;
  const r = new TileSizeReporter({ boxes: () => boxes, send: (m) => connected && sent.push(m) > 0 });
  assert.equal(r.report(), 1);
  assert.deepEqual(sent.pop(), { type: 'tileSizes', tiles: [{ trackId: 'cam-a', height: 180 }] });
  assert.equal(r.report(), 0, 'unchanged');
  boxes = [{ trackId: 'cam-a', cssWidth: 640, cssHeight: 360, fit: 'cover' }];
  connected = false;
  assert.equal(r.report(), 0, 'not sent while disconnected');
  connected = true;
  assert.equal(r.report(), 1, 'and sent once connected');
  assert.deepEqual(sent.pop().tiles, [{ trackId: 'cam-a', height: 360 }]);
  r.reset();
  assert.equal(r.report(), 1, 'after a reset the server hears it again');
  r.stop();
});

test('the offer\'s msid names each mid\'s track', () => {
  const sdp = 'v=0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=msid:ada ada-audio-1\r\n'
    + 'm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\na=msid:ada ada-video-2\r\n'
    + 'm=video 0 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=inactive\r\n';
  assert.deepEqual([...msidTrackIds(sdp)], [['0', 'ada-audio-1'], ['1', 'ada-video-2']]);
  assert.deepEqual([...msidTrackIds(undefined)], []);
});

test('layersPaused: the listed rids stop, the others start again, a screen share is never touched', () => {
  const paused = pausedLayersByMid([{ mid: '1', rids: ['r1', 'r2'] }, { mid: 7 }, { mid: '3', rids: 'r2' }, null]);
  assert.deepEqual([...paused.keys()], ['1'], 'malformed entries pause nothing');
  const camera = cameraEncodings({ simulcast: true, temporalLayers: false });
  assert.equal(applyPausedRids(camera, paused.get('1')), true);
  assert.deepEqual(camera.map((e) => [e.rid, e.active]), [['r0', true], ['r1', false], ['r2', false]]);
  assert.equal(applyPausedRids(camera, paused.get('1')), false, 'nothing changed: no setParameters');
  assert.equal(applyPausedRids(camera, pausedLayersByMid([]).get('1')), true, 'a track no longer listed: all on');
  assert.ok(camera.every((e) => e.active));
  const screen = screenEncodings();
  assert.equal(applyPausedRids(screen, new Set(['r0', 'r1', 'r2'])), false);
  assert.equal(screen[0].active, undefined);
  assert.deepEqual(pausedLayersByMid('nonsense'), new Map());
});
