// The client's mediaPath reports: only what the server takes, and only when a connection's path changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mediaPathMessage, PathReporter } from '../../main/resources/javameet/web/js/mediapath.js';

const host = { candidateType: 'host', protocol: 'udp', relayProtocol: null };
const relayTls = { candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' };

test('a relayed path carries its relay protocol, a direct one none', () => {
  assert.deepEqual(mediaPathMessage('subscribe', relayTls),
    { type: 'mediaPath', connection: 'subscribe', candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' });
  assert.deepEqual(mediaPathMessage('publish', host),
    { type: 'mediaPath', connection: 'publish', candidateType: 'host', protocol: 'udp' });
});

test('nothing selected yet, or values the server would refuse, are not sent', () => {
  assert.equal(mediaPathMessage('publish', null), null);
  assert.equal(mediaPathMessage('publish', { candidateType: 'relay', protocol: 'udp', relayProtocol: null }), null,
    'a browser that does not say how it reaches the relay');
  assert.equal(mediaPathMessage('publish', { candidateType: 'peer-reflexive', protocol: 'udp' }), null);
  assert.equal(mediaPathMessage('publish', { candidateType: 'host', protocol: 'sctp' }), null);
});

test('each connection is reported once, again when its path changes, and all again after reset', () => {
  const sent = [];
  const reporter = new PathReporter((m) => { sent.push(m); return true; });
  reporter.update({ publish: null, subscribe: null });
  assert.equal(sent.length, 0);
  reporter.update({ publish: host, subscribe: null });
  reporter.update({ publish: host, subscribe: relayTls });
  reporter.update({ publish: host, subscribe: relayTls });
  assert.deepEqual(sent.map((m) => `${m.connection}:${m.candidateType}`), ['publish:host', 'subscribe:relay']);
  reporter.update({ publish: relayTls, subscribe: relayTls }); // an ICE restart picked the relay
  assert.deepEqual(sent.map((m) => m.connection), ['publish', 'subscribe', 'publish']);
  reporter.reset();
  reporter.update({ publish: relayTls, subscribe: relayTls });
  assert.equal(sent.length, 5);
});

test('a report the socket did not take is tried again next time', () => {
  let open = false;
  const sent = [];
  const reporter = new PathReporter((m) => { if (open) sent.push(m); return open; });
  reporter.update({ publish: host, subscribe: null });
  open = true;
  reporter.update({ publish: host, subscribe: null });
  assert.equal(sent.length, 1);
});
