// The join breakdown's recorder (joinmarks.js), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JoinMarks, JOIN_STEPS } from '../../main/resources/javameet/web/js/joinmarks.js';

test('a step keeps the time it first happened; later ones (a reconnect) do not move it', () => {
  let t = 100;
  const m = new JoinMarks(() => t);
  m.mark('wsOpen');
  t = 250.04;
  m.mark('welcome');
  t = 900;
  m.mark('wsOpen');
  assert.deepEqual(m.snapshot(), { wsOpen: 100, welcome: 250 });
});

test('the steps are named once each', () => {
  assert.equal(new Set(JOIN_STEPS).size, JOIN_STEPS.length);
  assert.ok(JOIN_STEPS.includes('firstRemoteFrame'));
});
