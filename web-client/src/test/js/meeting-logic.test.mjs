// Pure parts of the meeting UI, without a browser:  node --test web-client/src/test/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutFor } from '../../main/resources/javameet/web/js/meeting.js';
import { classifyQuality, ActiveSpeaker, SPEAKER_HOLD_MS, formatBitrate } from '../../main/resources/javameet/web/js/quality.js';
import { classifySources } from '../../main/resources/javameet/web/js/session.js';
import { signalingUrl, pageToken, forgetPageToken } from '../../main/resources/javameet/web/js/protocol.js';

test('grid layout by participant count', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 9, 10, 30].map(layoutFor), ['1', '2', '4', '4', '9', '9', 'many', 'many']);
});

test('connection quality thresholds', () => {
  assert.equal(classifyQuality({ loss: 0, jitter: 0.005, rtt: 0.02 }), 'good');
  assert.equal(classifyQuality({ loss: 0.03, jitter: 0.005, rtt: 0.02 }), 'medium');
  assert.equal(classifyQuality({ loss: 0, jitter: 0.005, rtt: 0.45 }), 'medium');
  assert.equal(classifyQuality({ loss: 0.1, jitter: 0, rtt: 0 }), 'poor');
  assert.equal(classifyQuality({ loss: 0, jitter: 0.2, rtt: null }), 'poor');
});

test('active speaker: loudest above the threshold, held, then released', () => {
  const s = new ActiveSpeaker();
  assert.equal(s.update(new Map([['a', 0.001], ['b', 0.005]]), 0), null, 'silence highlights nobody');
  assert.equal(s.update(new Map([['a', 0.3], ['b', 0.1]]), 100), 'a');
  assert.equal(s.update(new Map([['a', 0.0], ['b', 0.4]]), 500), 'a', 'held for SPEAKER_HOLD_MS');
  assert.equal(s.update(new Map([['a', 0.0], ['b', 0.4]]), 100 + SPEAKER_HOLD_MS), 'b');
  assert.equal(s.update(new Map([['a', 0.0], ['b', 0.0]]), 200 + 2 * SPEAKER_HOLD_MS), null, 'released after silence');
  assert.equal(s.update(new Map([['c', 0.5]]), 300 + 2 * SPEAKER_HOLD_MS), 'c');
  assert.equal(s.update(new Map(), 400 + 2 * SPEAKER_HOLD_MS), null, 'someone who left is not highlighted');
});

test('sources: the server says, or a second active video is a screen', () => {
  const t = (mid, participantId, kind, active = true, source) => ({ mid, participantId, kind, active, source, track: null });
  const told = classifySources([t('0', 'p', 'video', true, 'screen')]);
  assert.equal(told[0].source, 'screen');
  const inferred = classifySources([t('0', 'p', 'audio'), t('1', 'p', 'video'), t('4', 'p', 'video'), t('2', 'q', 'video'),
    t('5', 'q', 'video', false)]);
  assert.deepEqual(inferred.map((x) => x.source), ['microphone', 'camera', 'screen', 'camera', 'camera']);
});

test('a page token is read once, kept off the /ws URL and out of the address bar', () => {
  const loc = { protocol: 'https:', host: 'meet.example.com', pathname: '/Standup', search: '?lang=de&jwt=a.b.c',
    hash: '#config.prejoinPageEnabled=false' };
  const replaced = [];
  const hist = { state: { s: 1 }, replaceState: (state, title, url) => replaced.push([state, url]) };
  assert.equal(pageToken(loc), 'a.b.c');
  assert.equal(forgetPageToken(loc, hist), true);
  assert.deepEqual(replaced, [[{ s: 1 }, '/Standup?lang=de#config.prejoinPageEnabled=false']]);
  assert.equal(signalingUrl(loc), 'wss://meet.example.com/ws', 'the token goes in join, not the URL proxies log');
  assert.equal(forgetPageToken({ pathname: '/x', search: '?jwt=t', hash: '' }, hist), true);
  assert.equal(replaced[1][1], '/x');
  assert.equal(forgetPageToken({ pathname: '/x', search: '', hash: '' }, hist), false, 'nothing to remove');
  assert.equal(replaced.length, 2);
  assert.equal(signalingUrl({ protocol: 'http:', host: 'h:1', search: '' }), 'ws://h:1/ws');
});

test('bitrates read as people say them', () => {
  assert.equal(formatBitrate(850_000), '850 kbit/s');
  assert.equal(formatBitrate(1_234_567), '1.2 Mbit/s');
  assert.equal(formatBitrate(25_000_000), '25 Mbit/s');
  assert.equal(formatBitrate(-1), '');
  assert.equal(formatBitrate(NaN), '');
});
