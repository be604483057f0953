// Client config: defaults from client-settings.json, the server's welcome, URL-hash overrides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildConfig, DEFAULT_CONFIG, DEFAULT_INTERFACE_CONFIG } from '../../main/resources/javameet/web/js/config.js';

const declared = JSON.parse(readFileSync(new URL('../../main/resources/javameet/web/client-settings.json', import.meta.url)));

test('defaults are the declared ones', () => {
  assert.deepEqual(Object.keys(DEFAULT_CONFIG), Object.keys(declared.client));
  assert.deepEqual(Object.keys(DEFAULT_INTERFACE_CONFIG), Object.keys(declared.interface));
  for (const [name, s] of Object.entries(declared.client)) assert.equal(DEFAULT_CONFIG[name], s.default, name);
  for (const [name, s] of Object.entries(declared.interface)) assert.equal(DEFAULT_INTERFACE_CONFIG[name], s.default, name);
});

test('the welcome overrides defaults, the URL hash overrides both', () => {
  const welcome = { config: { startWithAudioMuted: true }, interfaceConfig: { appName: 'Acme' } };
  const c = buildConfig(welcome, '#config.prejoinPageEnabled=false&interfaceConfig.appName="Mine"&userInfo.displayName=%22Ada%22');
  assert.equal(c.config.prejoinPageEnabled, false);
  assert.equal(c.config.startWithAudioMuted, true);
  assert.equal(c.interfaceConfig.appName, 'Mine');
  assert.equal(c.interfaceConfig.welcomeText, declared.interface.welcomeText.default);
  assert.deepEqual(c.userInfo, { displayName: 'Ada' });
});

test('URL overrides must be declared and of the declared type', () => {
  const c = buildConfig(null, '#config.prejoinPageEnabled="no"&config.nope=true&interfaceConfig.showWatermark=1'
    + '&interfaceConfig.logoUrl=/x.svg&toString.x=1&config.toString=1');
  assert.equal(c.config.prejoinPageEnabled, declared.client.prejoinPageEnabled.default, 'a string is not a boolean');
  assert.equal(Object.hasOwn(c.config, 'nope'), false, 'unknown key ignored');
  assert.equal(c.interfaceConfig.showWatermark, true, 'a number is not a boolean');
  assert.equal(c.interfaceConfig.logoUrl, '/x.svg', 'a bare word is a string');
  assert.equal(Object.hasOwn(c.config, 'toString'), false);
});

test("a setting the server sends but this client does not declare cannot be overridden", () => {
  const c = buildConfig({ config: { newerSetting: true } }, '#config.newerSetting=false');
  assert.equal(c.config.newerSetting, true);
});

test('a setting with declared values takes only those from the URL', () => {
  assert.deepEqual(declared.client.iceTransportPolicy.values, ['all', 'relay']);
  assert.equal(buildConfig(null, '#config.iceTransportPolicy=relay').config.iceTransportPolicy, 'relay');
  assert.equal(buildConfig({ config: { iceTransportPolicy: 'relay' } }, '#config.iceTransportPolicy=all').config.iceTransportPolicy, 'all');
  assert.equal(buildConfig(null, '#config.iceTransportPolicy=none').config.iceTransportPolicy, 'all', 'undeclared value ignored');
});
