// The participants panel: everyone's name, moderator star, mic / camera state and raised hand; for
// moderators a mute and a kick button per row, "Mute everyone", the room password and the lobby switch.
// The server enforces every one of these; the buttons are only shown to moderators for convenience.

import { initials } from './meeting.js';
import { formatBitrate } from './quality.js';

const $ = (id) => document.getElementById(id);
const SVG_NS = 'http://www.w3.org/2000/svg';

function icon(name, label) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', `row-icon icon-${name}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const use = document.createElementNS(SVG_NS, 'use');
  use.setAttribute('href', `#icon-${name}`);
  svg.append(use);
  return svg;
}

function button(action, id, text, label) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'btn btn-small';
  b.dataset.action = action;
  b.dataset.participantId = id;
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.title = label;
  return b;
}

const CONNECTION_WORDS = {
  udp: 'over UDP',
  tcp: 'over TCP (ICE-TCP: UDP is blocked on their network)',
  'relay-udp': 'through the TURN relay, reached over UDP',
  'relay-tcp': 'through the TURN relay, reached over TCP (UDP is blocked on their network)',
  'relay-tls': 'through the TURN relay, reached over TLS (only web traffic gets through their network)',
};

/**
 * The tooltip of a connection badge: `relay-tls` → "Media through the TURN relay, reached over TLS (…)".
 * @param {string} connection Participant.connection: kinds joined by '+'
 */
export function connectionTitle(connection) {
  return `Media ${connection.split('+').map((k) => CONNECTION_WORDS[k] ?? `over ${k.toUpperCase()}`).join(' and ')}`;
}

export class ParticipantsPanel {
  /**
   * @param {{onMute: (id: string) => void, onKick: (id: string) => void, onMuteAll: () => void,
   *          onSetPassword: (password: string|null) => void, onSetLobby: (enabled: boolean) => void,
   *          onOpenChange?: (open: boolean) => void}} actions
   */
  constructor(actions) {
    this.actions = actions;
    this.panel = $('participants-panel');
    this.list = $('participants-list');
    this.button = $('toggle-participants');
    this.list.addEventListener('click', (ev) => {
      const b = /** @type {HTMLElement} */ (ev.target).closest?.('button[data-action]');
      if (!b) return;
      if (b.dataset.action === 'mute') actions.onMute(b.dataset.participantId);
      if (b.dataset.action === 'kick') actions.onKick(b.dataset.participantId);
    });
    $('mute-all').addEventListener('click', () => actions.onMuteAll());
    $('lobby-toggle').addEventListener('change', (ev) => actions.onSetLobby(/** @type {HTMLInputElement} */ (ev.target).checked));
    $('password-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const input = $('room-password-input');
      const pw = input.value;
      if (pw.length < 1 || pw.length > 64) { input.setCustomValidity('1 to 64 characters'); input.reportValidity(); return; }
      input.setCustomValidity('');
      actions.onSetPassword(pw);
      input.value = '';
    });
    $('room-password-remove').addEventListener('click', () => actions.onSetPassword(null));
    $('participants-close').addEventListener('click', () => this.setOpen(false));
  }

  get open() { return !this.panel.hidden; }

  setOpen(open) {
    if (open === this.open) return;
    this.panel.hidden = !open;
    this.button.classList.toggle('active', open);
    this.button.setAttribute('aria-pressed', String(open));
    this.actions.onOpenChange?.(open);
  }

  toggle() { this.setOpen(!this.open); }

  /**
   * @param {{participants: ReturnType<import('./meeting.js').MeetingView['participants']>,
   *          moderator: boolean, config: Object,
   *          roomState: {locked: boolean, lobbyEnabled: boolean, recording: boolean}}} s
   */
  render({ participants, moderator, config, roomState }) {
    $('participants-count').textContent = String(participants.length);
    $('participants-badge').textContent = String(participants.length);
    const hands = participants.filter((p) => p.handRaised).length;
    this.button.classList.toggle('has-hands', hands > 0);
    const rows = participants.map((p) => {
      const li = document.createElement('li');
      li.className = 'participant-row';
      li.dataset.participantId = p.id;
      const avatar = document.createElement('span');
      avatar.className = 'row-avatar';
      const name = p.displayName.trim() || (p.local ? 'You' : 'Guest');
      avatar.textContent = initials(name) || '?';
      const label = document.createElement('span');
      label.className = 'row-name';
      label.textContent = p.local && p.displayName.trim() ? `${name} (you)` : name;
      const badges = document.createElement('span');
      badges.className = 'row-badges';
      if (p.moderator && !config.disableModeratorIndicator) {
        const star = document.createElement('span');
        star.className = 'row-moderator';
        star.textContent = '★';
        star.title = 'Moderator';
        star.setAttribute('aria-label', 'moderator');
        badges.append(star);
      }
      if (p.handRaised) {
        badges.append(icon('hand', 'hand raised'));
      }
      badges.append(icon(p.audioMuted ? 'mic-off' : 'mic', p.audioMuted ? 'microphone off' : 'microphone on'),
        icon(p.videoMuted ? 'camera-off' : 'camera', p.videoMuted ? 'camera off' : 'camera on'));
      if (p.connection) {
        // How their media reaches the server: operators spot a participant whose network blocks UDP (ICE-TCP)
        // or who needs the TURN relay (their client says so: the server cannot tell by address).
        const conn = document.createElement('span');
        conn.className = 'row-connection';
        conn.dataset.connection = p.connection;
        conn.textContent = p.connection.toUpperCase();
        conn.title = connectionTitle(p.connection);
        badges.append(conn);
      }
      li.append(avatar, label, badges);
      if (p.local && p.downlinkBps != null) {
        // the server's send-side estimate of our downlink (transport-cc), its bandwidthEstimate message
        const bw = document.createElement('span');
        bw.className = 'row-bandwidth';
        bw.textContent = `↓ ${formatBitrate(p.downlinkBps)}`;
        bw.title = 'What the server estimates your connection can receive';
        li.append(bw);
      }
      if (moderator && !p.local) {
        const actions = document.createElement('span');
        actions.className = 'row-actions';
        const mute = button('mute', p.id, 'Mute', `Mute ${name}`);
        mute.disabled = p.audioMuted;
        actions.append(mute, button('kick', p.id, 'Remove', `Remove ${name} from the meeting`));
        li.append(actions);
      }
      if (p.handRaised) li.classList.add('hand-raised');
      return li;
    });
    // Raised hands first, as people expect from Jitsi Meet; otherwise yourself first, then join order.
    rows.sort((a, b) => Number(b.classList.contains('hand-raised')) - Number(a.classList.contains('hand-raised')));
    // Keep each row that did not change: the roster is re-rendered on every update (a connection path, a
    // bandwidth estimate, someone else's hand), and a rebuilt row under the pointer swallows the click a
    // moderator was making on its Mute or Remove button (MeetingFeaturesTest saw the kick button replaced for
    // 15 s on a busy page).
    const current = [...this.list.children];
    const kept = rows.map((row, i) => (current[i]?.isEqualNode(row) ? current[i] : row));
    if (kept.length !== current.length || kept.some((row, i) => row !== current[i])) {
      this.list.replaceChildren(...kept);
    }

    $('moderator-controls').hidden = !moderator;
    $('mute-all').disabled = participants.filter((p) => !p.local).length === 0;
    /** @type {HTMLInputElement} */ ($('lobby-toggle')).checked = !!roomState.lobbyEnabled;
    $('room-password-remove').hidden = !roomState.locked;
    $('room-lock-state').textContent = roomState.locked ? '🔒 Locked with a password' : 'No password';
    $('recording-state').textContent = roomState.recording ? '● This meeting is being recorded' : 'Not recorded';
    $('recording-indicator').hidden = !roomState.recording;
  }
}
