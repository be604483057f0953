// publishAnswer.rejected turned into what the user reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejectionMessages } from '../../main/resources/javameet/web/js/rejections.js';

test('nothing rejected, nothing said', () => {
  assert.deepEqual(rejectionMessages(undefined, () => undefined), []);
  assert.deepEqual(rejectionMessages([], () => undefined), []);
});

test('a rejected camera is named by what it carries, with the server\'s reason', () => {
  const sources = new Map([['1', 'camera'], ['2', 'screen']]);
  const messages = rejectionMessages([
    { mid: '1', media: 'video', reason: 'no-supported-codec', detail: 'offers H264; javameet forwards VP8' },
    { mid: '2', media: 'video', reason: 'no-supported-codec', detail: 'offers VP9; javameet forwards VP8' },
    { mid: '3', media: 'application', reason: 'unsupported-media', detail: 'm=application is not carried (audio and video only)' },
  ], (mid) => sources.get(mid));
  assert.deepEqual(messages, [
    'Your camera cannot be sent to the meeting: this browser offers H264; javameet forwards VP8.',
    'Your screen share cannot be sent to the meeting: this browser offers VP9; javameet forwards VP8.',
    'A application stream cannot be sent to the meeting: m=application is not carried (audio and video only).',
  ]);
});

test('an unlabelled audio section is the microphone', () => {
  assert.deepEqual(rejectionMessages([{ mid: 0, media: 'audio', reason: 'no-supported-codec', detail: 'offers PCMU; javameet forwards Opus' }], () => undefined),
    ['Your microphone cannot be sent to the meeting: this browser offers PCMU; javameet forwards Opus.']);
});
