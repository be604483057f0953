// The prejoin page: camera preview, mic level, device choice, name, mute before joining.

import {
  getLocalMedia, listDevices, canChooseSpeaker, LevelMeter,
  savedDevices, saveDevice, saveDisplayName,
} from './media.js';
import { initials } from './meeting.js';

const $ = (id) => document.getElementById(id);

/**
 * @typedef {Object} PrejoinResult
 * @property {string} displayName
 * @property {MediaStream} stream
 * @property {boolean} audioMuted
 * @property {boolean} videoMuted
 * @property {string} [speakerId]
 */

export class Prejoin {
  /**
   * @param {{config: Object, displayName: string, roomName: string}} opts
   */
  constructor({ config, displayName, roomName }) {
    this.config = config;
    this.stream = new MediaStream();
    this.audioMuted = !!config.startWithAudioMuted;
    this.videoMuted = !!config.startWithVideoMuted;
    this.devices = savedDevices();
    this.meter = null;
    this.raf = 0;
    this.joinable = false; // set by the app while the signaling connection is up
    this.mediaReady = false; // Join waits for the device prompt to be answered
    this.els = {
      video: $('preview-video'), avatar: $('preview-avatar'),
      name: $('display-name'), join: $('join-button'), hint: $('join-hint'),
      mic: $('prejoin-toggle-mic'), camera: $('prejoin-toggle-camera'),
      selCamera: $('select-camera'), selMic: $('select-mic'), selSpeaker: $('select-speaker'),
      labelSpeaker: $('label-speaker'), problems: $('media-problems'), meter: $('mic-meter'),
      form: $('prejoin-form'), title: $('prejoin-title'),
    };
    this.els.title.textContent = `Join ${roomName}`;
    this.els.name.value = displayName;
    this.ac = new AbortController();
  }

  /**
   * Shows the page and resolves when the user presses Join.
   * @returns {Promise<PrejoinResult>}
   */
  async run() {
    const { els } = this;
    const signal = this.ac.signal;
    els.name.addEventListener('input', () => this.refreshJoin(), { signal });
    els.mic.addEventListener('click', () => { this.audioMuted = !this.audioMuted; this.applyMute(); }, { signal });
    els.camera.addEventListener('click', () => { this.videoMuted = !this.videoMuted; this.applyMute(); }, { signal });
    els.selCamera.addEventListener('change', () => this.switchDevice('videoinput', els.selCamera.value), { signal });
    els.selMic.addEventListener('change', () => this.switchDevice('audioinput', els.selMic.value), { signal });
    els.selSpeaker.addEventListener('change', () => this.switchSpeaker(els.selSpeaker.value), { signal });
    navigator.mediaDevices?.addEventListener?.('devicechange', () => this.fillDevices(), { signal });

    this.refreshJoin();
    this.applyMute();
    // The submit handler is in place before anything can enable Join: a form without it would
    // be submitted natively and reload the page.
    const chosen = new Promise((resolve) => {
      els.form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        if (els.join.disabled) return;
        const displayName = els.name.value.trim();
        saveDisplayName(displayName);
        this.stopPreview();
        resolve({
          displayName, stream: this.stream,
          audioMuted: this.audioMuted, videoMuted: this.videoMuted,
          speakerId: this.devices.audiooutput,
        });
      }, { signal });
    });

    const { stream, problems } = await getLocalMedia({
      audioDeviceId: this.devices.audioinput, videoDeviceId: this.devices.videoinput,
    });
    this.stream = stream;
    this.showProblems(problems);
    this.attachPreview();
    this.mediaReady = true;
    this.applyMute();
    this.refreshJoin();
    await this.fillDevices();
    return chosen;
  }

  /** Enables Join only when connected and, if required, a name is given. */
  setJoinable(joinable) {
    this.joinable = joinable;
    this.refreshJoin();
  }

  refreshJoin() {
    const { els } = this;
    const needName = !!this.config.requireDisplayName && els.name.value.trim() === '';
    els.join.disabled = needName || !this.joinable || !this.mediaReady;
    els.hint.hidden = !needName;
    els.avatar.querySelector('span').textContent = initials(els.name.value) || '?';
  }

  applyMute() {
    const { els } = this;
    const audio = this.stream.getAudioTracks()[0];
    const video = this.stream.getVideoTracks()[0];
    if (audio) audio.enabled = !this.audioMuted;
    if (video) video.enabled = !this.videoMuted;
    setToggle(els.mic, !this.audioMuted && !!audio, 'microphone', 'mic', !audio);
    setToggle(els.camera, !this.videoMuted && !!video, 'camera', 'camera', !video);
    els.avatar.hidden = !!video && !this.videoMuted;
    els.video.hidden = !els.avatar.hidden;
  }

  attachPreview() {
    const video = this.stream.getVideoTracks()[0];
    this.els.video.srcObject = video ? new MediaStream([video]) : null;
    this.startMeter();
  }

  startMeter() {
    this.meter?.stop();
    this.meter = null;
    cancelAnimationFrame(this.raf);
    const audio = this.stream.getAudioTracks()[0];
    const fill = this.els.meter;
    if (!audio) { fill.style.transform = 'scaleX(0)'; return; }
    try { this.meter = new LevelMeter(audio); } catch (e) { console.warn('prejoin: no level meter', e); return; }
    const meterEl = fill.parentElement;
    let lastAria = -1;
    const tick = () => {
      const level = this.audioMuted ? 0 : this.meter.level();
      fill.style.transform = `scaleX(${level.toFixed(3)})`;
      const pct = Math.round(level * 100);
      if (Math.abs(pct - lastAria) >= 10) { meterEl.setAttribute('aria-valuenow', String(pct)); lastAria = pct; }
      this.raf = requestAnimationFrame(tick);
    };
    tick();
  }

  stopPreview() {
    cancelAnimationFrame(this.raf);
    this.meter?.stop();
    this.meter = null;
    this.els.video.srcObject = null;
    this.ac.abort();
  }

  showProblems(problems) {
    const box = this.els.problems;
    box.replaceChildren(...problems.map((p) => Object.assign(document.createElement('p'), { textContent: p })));
    if (problems.length) {
      box.append(Object.assign(document.createElement('p'), {
        textContent: 'You can still join and see and hear the others.',
      }));
    }
    box.hidden = problems.length === 0;
  }

  async fillDevices() {
    const lists = await listDevices();
    const current = {
      videoinput: this.stream.getVideoTracks()[0]?.getSettings().deviceId,
      audioinput: this.stream.getAudioTracks()[0]?.getSettings().deviceId,
      audiooutput: this.devices.audiooutput,
    };
    fillSelect(this.els.selCamera, lists.videoinput, current.videoinput, 'No camera');
    fillSelect(this.els.selMic, lists.audioinput, current.audioinput, 'No microphone');
    const speakers = canChooseSpeaker ? lists.audiooutput : [];
    fillSelect(this.els.selSpeaker, speakers, current.audiooutput, 'Default');
    this.els.selSpeaker.hidden = this.els.labelSpeaker.hidden = !canChooseSpeaker || speakers.length === 0;
  }

  /** Replaces the camera or microphone track with one from another device. */
  async switchDevice(kind, deviceId) {
    const trackKind = kind === 'videoinput' ? 'video' : 'audio';
    const { stream, problems } = await getLocalMedia({
      audio: trackKind === 'audio', video: trackKind === 'video',
      audioDeviceId: trackKind === 'audio' ? deviceId : undefined,
      videoDeviceId: trackKind === 'video' ? deviceId : undefined,
    });
    const fresh = stream.getTracks()[0];
    if (!fresh) { this.showProblems(problems); return; }
    for (const old of this.stream.getTracks().filter((t) => t.kind === trackKind)) {
      old.stop();
      this.stream.removeTrack(old);
    }
    this.stream.addTrack(fresh);
    this.devices[kind] = deviceId;
    saveDevice(kind, deviceId);
    this.showProblems([]);
    this.attachPreview();
    this.applyMute();
  }

  switchSpeaker(deviceId) {
    this.devices.audiooutput = deviceId;
    saveDevice('audiooutput', deviceId);
  }
}

/**
 * @param {HTMLButtonElement} button
 * @param {boolean} on
 * @param {string} noun 'microphone' | 'camera'
 * @param {string} icon 'mic' | 'camera'
 * @param {boolean} [unavailable]
 */
export function setToggle(button, on, noun, icon, unavailable = false) {
  button.classList.toggle('off', !on);
  const key = icon === 'mic' ? 'M' : 'V';
  const shortcut = button.id.startsWith('toggle-') ? ` (${key})` : '';
  button.setAttribute('aria-label', unavailable ? `No ${noun} available`
    : `Turn ${noun} ${on ? 'off' : 'on'}${shortcut}`);
  button.title = button.getAttribute('aria-label');
  button.disabled = unavailable;
  button.querySelector('use').setAttribute('href', `#icon-${icon}${on ? '' : '-off'}`);
}

function fillSelect(select, devices, selectedId, emptyLabel) {
  const options = devices.map((d, i) => {
    const o = document.createElement('option');
    o.value = d.deviceId;
    o.textContent = d.label || `${emptyLabel.replace(/^No /, '')} ${i + 1}`;
    o.selected = d.deviceId === selectedId;
    return o;
  });
  if (options.length === 0) {
    const o = document.createElement('option');
    o.value = '';
    o.textContent = emptyLabel;
    options.push(o);
  }
  select.replaceChildren(...options);
  select.disabled = devices.length === 0;
}
