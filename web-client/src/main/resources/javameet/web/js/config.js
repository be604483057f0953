// Client configuration: defaults, the server's `welcome` (its `client` and `interface` sections),
// then the URL hash overrides for this one browser, the Jitsi Meet way (see docs/configuration.md):
//   /<room>#config.prejoinPageEnabled=false&config.startWithVideoMuted=true&userInfo.displayName="Ada"
//   /<room>#config.iceTransportPolicy=relay   (media only through the TURN server)
// Which settings exist, their types and defaults: ../client-settings.json, shared with the server's
// tests and the NixOS module.

import SETTINGS from '../client-settings.json' with { type: 'json' };

/**
 * One declared setting.
 * @typedef {{type: 'boolean'|'string', default: boolean|string, values?: string[], description: string, jitsiName?: string}} Setting
 */

/** The declared settings of each URL-hash section (`config.*` is the file's `client`, `interfaceConfig.*` its `interface`). */
export const DECLARED = Object.freeze({
  config: /** @type {Object<string, Setting>} */ (SETTINGS.client),
  interfaceConfig: /** @type {Object<string, Setting>} */ (SETTINGS.interface),
});

const defaultsOf = (settings) => Object.freeze(Object.fromEntries(
  Object.entries(settings).map(([name, setting]) => [name, setting.default])));

/** Defaults of the `client` section (Jitsi's config.js). */
export const DEFAULT_CONFIG = defaultsOf(DECLARED.config);

/** Defaults of the `interface` section (Jitsi's interface_config.js). */
export const DEFAULT_INTERFACE_CONFIG = defaultsOf(DECLARED.interfaceConfig);

/**
 * @typedef {Object} ClientConfig
 * @property {typeof DEFAULT_CONFIG & Object} config
 * @property {typeof DEFAULT_INTERFACE_CONFIG & Object} interfaceConfig
 * @property {{displayName?: string}} userInfo
 */

/**
 * Parses `#a.b=value&c.d=value`. Values are JSON; a bare word that is not JSON is a string.
 * @param {string} hash location.hash, with or without the leading '#'
 * @returns {Array<[string, any]>} [key, value] pairs in order
 */
export function parseHash(hash) {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const pairs = [];
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = safeDecode(eq < 0 ? part : part.slice(0, eq)).trim();
    const raw = eq < 0 ? 'true' : safeDecode(part.slice(eq + 1));
    let value;
    try { value = JSON.parse(raw); } catch { value = raw; }
    pairs.push([key, value]);
  }
  return pairs;
}

const warned = new Set();
/** Warns once per page about one override: the config is rebuilt on every reconnect. */
function warnOnce(text) {
  if (warned.has(text)) return;
  warned.add(text);
  console.warn(text);
}

function safeDecode(s) {
  try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; }
}

/**
 * Builds the effective config from the server's welcome and the URL hash.
 * @param {{config?:Object, interfaceConfig?:Object}|null} welcome
 * @param {string} hash
 * @returns {ClientConfig}
 */
export function buildConfig(welcome, hash = '') {
  const config = { ...DEFAULT_CONFIG, ...(welcome?.config ?? {}) };
  const interfaceConfig = { ...DEFAULT_INTERFACE_CONFIG, ...(welcome?.interfaceConfig ?? {}) };
  const userInfo = {};
  const sections = { config, interfaceConfig };
  for (const [key, value] of parseHash(hash)) {
    const dot = key.indexOf('.');
    const section = key.slice(0, dot);
    const name = key.slice(dot + 1);
    if (key === 'userInfo.displayName') {
      userInfo.displayName = String(value);
      continue;
    }
    const declared = dot > 0 && Object.hasOwn(DECLARED, section) ? DECLARED[section] : undefined;
    if (!declared || !Object.hasOwn(declared, name)) {
      warnOnce(`config: ignoring unknown URL override "${key}"`);
      continue;
    }
    const expected = declared[name].type;
    if (typeof value !== expected) {
      warnOnce(`config: ignoring URL override "${key}": expected a ${expected}, got ${JSON.stringify(value)}`);
      continue;
    }
    const allowed = declared[name].values;
    if (allowed && !allowed.includes(value)) {
      warnOnce(`config: ignoring URL override "${key}": expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
      continue;
    }
    sections[section][name] = value;
  }
  return { config, interfaceConfig, userInfo };
}
