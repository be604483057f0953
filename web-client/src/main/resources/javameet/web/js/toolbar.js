// The meeting's toolbar: its buttons, their pressed / unavailable looks, and the keyboard
// shortcuts (as Jitsi Meet has them). It only draws and forwards clicks; the app decides.

import { $ } from './ui.js';
import { setToggle } from './prejoin.js';

/**
 * @typedef {Object} ToolbarActions
 * @property {() => void} onToggleMic
 * @property {() => void} onToggleCamera
 * @property {() => void} onToggleScreen
 * @property {() => void} onToggleHand
 * @property {() => void} onToggleChat
 * @property {() => void} onToggleParticipants
 * @property {() => void} onToggleRecording
 * @property {() => void} onLeave
 */

/**
 * @typedef {Object} ToolbarState
 * @property {boolean} hasAudio @property {boolean} audioOn
 * @property {boolean} hasVideo @property {boolean} videoOn
 * @property {boolean} screenSharing @property {boolean} handRaised
 * @property {boolean} mayRecord @property {boolean} recording
 */

const SHORTCUTS = { m: 'onToggleMic', v: 'onToggleCamera', d: 'onToggleScreen', c: 'onToggleChat', r: 'onToggleHand' };

export class Toolbar {
  /** @param {ToolbarActions} actions */
  constructor(actions) {
    $('toggle-mic').addEventListener('click', () => actions.onToggleMic());
    $('toggle-camera').addEventListener('click', () => actions.onToggleCamera());
    $('toggle-screen').addEventListener('click', () => actions.onToggleScreen());
    $('toggle-hand').addEventListener('click', () => actions.onToggleHand());
    $('toggle-chat').addEventListener('click', () => actions.onToggleChat());
    $('toggle-participants').addEventListener('click', () => actions.onToggleParticipants());
    $('toggle-recording').addEventListener('click', () => actions.onToggleRecording());
    $('leave-button').addEventListener('click', () => actions.onLeave());
    $('toggle-screen').hidden = !navigator.mediaDevices?.getDisplayMedia;
    this.onKey = (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
      const t = /** @type {HTMLElement} */ (ev.target);
      if (t?.closest?.('input, textarea, select, [contenteditable="true"], dialog')) return;
      const action = SHORTCUTS[ev.key.toLowerCase()];
      if (!action) return;
      ev.preventDefault();
      actions[action]();
    };
  }

  /** Shortcuts work only in the meeting. @param {boolean} on */
  setActive(on) {
    document.removeEventListener('keydown', this.onKey);
    if (on) document.addEventListener('keydown', this.onKey);
  }

  /** @param {ToolbarState} s */
  render(s) {
    setToggle($('toggle-mic'), s.audioOn && s.hasAudio, 'microphone', 'mic', !s.hasAudio);
    setToggle($('toggle-camera'), s.videoOn && s.hasVideo, 'camera', 'camera', !s.hasVideo);
    pressed($('toggle-screen'), s.screenSharing, 'Stop sharing your screen (D)', 'Share your screen (D)');
    pressed($('toggle-hand'), s.handRaised, 'Lower your hand (R)', 'Raise your hand (R)');
    // shown to moderators; the server decides (a token may allow or forbid recording)
    $('toggle-recording').hidden = !s.mayRecord;
    pressed($('toggle-recording'), s.recording, 'Stop recording', 'Start recording');
  }
}

function pressed(button, on, labelOn, labelOff) {
  button.classList.toggle('active', on);
  button.setAttribute('aria-pressed', String(on));
  button.setAttribute('aria-label', on ? labelOn : labelOff);
  button.title = button.getAttribute('aria-label');
}
