// The welcome page at "/": a meeting name (or a random suggestion) and the server's branding.

import { SignalingConnection, signalingUrl, ROOM_NAME_PATTERN } from './protocol.js';
import { buildConfig, DEFAULT_INTERFACE_CONFIG } from './config.js';
import { $, showView, applyBranding } from './ui.js';

const ADJECTIVES = ['Brave', 'Calm', 'Clever', 'Gentle', 'Happy', 'Quiet', 'Swift', 'Bright', 'Kind', 'Bold',
  'Merry', 'Sunny', 'Witty', 'Lucky', 'Noble', 'Curious'];
const NOUNS = ['Otters', 'Falcons', 'Badgers', 'Herons', 'Foxes', 'Owls', 'Pandas', 'Lynxes', 'Dolphins',
  'Ravens', 'Beavers', 'Koalas', 'Puffins', 'Tigers', 'Walruses', 'Wombats'];

export function randomRoomName() {
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  return `${pick(ADJECTIVES)}${pick(NOUNS)}${10 + Math.floor(Math.random() * 90)}`;
}

/** @param {{state: string}} hook the test hook */
export async function welcomePage(hook) {
  hook.state = 'welcome';
  showView('welcome');
  const input = $('room-input');
  const suggestion = randomRoomName();
  input.placeholder = suggestion;
  $('welcome-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const room = input.value.trim() || suggestion;
    if (!ROOM_NAME_PATTERN.test(room)) {
      input.setCustomValidity('Use letters, digits and . _ ~ - only, up to 64 characters.');
      input.reportValidity();
      return;
    }
    location.assign(`/${encodeURIComponent(room)}`);
  });
  input.addEventListener('input', () => input.setCustomValidity(''));
  input.focus();

  // Branding comes with the server's welcome; the defaults stand if the server is not reachable.
  let ic = { ...DEFAULT_INTERFACE_CONFIG };
  const conn = new SignalingConnection(signalingUrl());
  try {
    const welcome = await conn.connect(3000);
    ic = buildConfig(welcome, location.hash).interfaceConfig;
  } catch (e) {
    console.info('welcome page: server config unavailable, using defaults', e.message);
  } finally {
    conn.close();
  }
  applyBranding(ic);
  $('welcome-title').textContent = ic.appName;
  $('welcome-text').textContent = ic.welcomeText;
}
