// The chat history a page is given in `joined` / `resumed` (chat.js unseenChat), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unseenChat } from '../../main/resources/javameet/web/js/chat.js';

const m = (from, ts, text) => ({ type: 'chat', from, displayName: from, ts, text });

test('a page that was away gets only what it has not shown', () => {
  const shown = [m('p1', 1, 'hello'), m('p2', 2, 'hi')];
  const history = [m('p1', 1, 'hello'), m('p2', 2, 'hi'), m('p2', 3, 'said while you were away')];
  assert.deepEqual(unseenChat(history, shown).map((x) => x.text), ['said while you were away']);
});

test('the same words at another time, or from someone else, are another message', () => {
  const shown = [m('p1', 1, 'ok')];
  assert.equal(unseenChat([m('p1', 2, 'ok'), m('p2', 1, 'ok')], shown).length, 2);
});

test('no history (an older server) or junk in it shows nothing', () => {
  assert.deepEqual(unseenChat(undefined, []), []);
  assert.deepEqual(unseenChat([null, { from: 'p1' }], []), []);
});
