// What the server decides about our received media (dominant speaker, last-N pauses), drawn without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerMediaState } from '../../main/resources/javameet/web/js/servermedia.js';
import { IceServersRefresh } from '../../main/resources/javameet/web/js/iceservers.js';

function fakeView() {
  return {
    speaker: 'untouched', paused: null,
    setActiveSpeaker(id) { this.speaker = id; },
    setPausedVideo(ids) { this.paused = [...ids].sort(); },
  };
}

test('the server\'s dominant speaker is known once named, nobody included; malformed ones are ignored', () => {
  const view = fakeView();
  const state = new ServerMediaState(view, () => []);
  assert.equal(state.speakerKnown, false, 'the local guess counts until the server names one');
  state.useDominantSpeaker({ participantId: 42 });
  state.useDominantSpeaker(null);
  assert.equal(state.speakerKnown, false);
  assert.equal(view.speaker, 'untouched');
  state.useDominantSpeaker({ participantId: null, recent: [] });
  assert.equal(state.speakerKnown, true, 'nobody speaking is a choice too');
  state.useDominantSpeaker({ participantId: 'pA' });
  assert.equal(view.speaker, 'pA');
  state.reset();
  assert.equal(state.speakerKnown, false, 'a new meeting starts over');
});

test('paused mids pause the camera tiles of active camera tracks only', () => {
  const view = fakeView();
  const tracks = [
    { active: true, source: 'camera', mid: 1, participantId: 'pA' },
    { active: true, source: 'screen', mid: 2, participantId: 'pB' },
    { active: false, source: 'camera', mid: 3, participantId: 'pC' },
    { active: true, source: 'camera', mid: '4', participantId: 'pD' },
  ];
  const state = new ServerMediaState(view, () => tracks);
  state.setPausedMids(['1', '2', '3', 4]);
  assert.deepEqual(view.paused, ['pA', 'pD']);
  state.setPausedMids('not a list');
  assert.deepEqual(view.paused, ['pA', 'pD'], 'a malformed message changes nothing');
  state.setPausedMids([]);
  assert.deepEqual(view.paused, []);
});

test('TURN credentials are refreshed at 80 % of their life, and not after stop', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const applied = [];
  let refreshes = 0;
  const conn = { refreshIceServers: () => { refreshes++; } };
  const ice = new IceServersRefresh(() => ({ setIceServers: (s, p) => applied.push([s.length, p]) }));
  ice.use({ iceServers: [{ urls: 'turn:x' }], iceServersTtl: 10 }, conn, 'all');
  assert.deepEqual(applied, [[1, 'all']]);
  t.mock.timers.tick(7_999);
  assert.equal(refreshes, 0);
  t.mock.timers.tick(1);
  assert.equal(refreshes, 1);
  ice.use({ iceServers: [], iceServersTtl: 10 }, conn, 'all');
  ice.stop();
  t.mock.timers.tick(20_000);
  assert.equal(refreshes, 1, 'stopped: no refresh after leaving');
});
