// Small page-wide UI helpers shared by the views: which page shows, the status banner, toasts, branding.

import { DEFAULT_INTERFACE_CONFIG } from './config.js';

export const $ = (id) => document.getElementById(id);

/** Shows the `#view-<name>` section and hides the others. */
export function showView(name) {
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== `view-${name}`;
}

/** A short message in the corner, for 6 s. */
export function toast(text) {
  const el = document.createElement('div');
  el.className = 'toast';
  el.textContent = text;
  $('toasts').append(el);
  setTimeout(() => el.remove(), 6000);
  return el;
}

/** The status line under the top bar; null hides it. @param {string|null} text */
export function banner(text) {
  const el = $('banner');
  if (el.textContent !== (text ?? '')) el.textContent = text ?? '';
  el.hidden = !text;
}

/** App name, page title and logos from the `interface` config. @param {Object} interfaceConfig @param {string} [room] */
export function applyBranding(interfaceConfig, room) {
  const appName = interfaceConfig.appName || DEFAULT_INTERFACE_CONFIG.appName;
  $('app-name').textContent = appName;
  document.title = room ? `${room} | ${appName}` : appName;
  if (interfaceConfig.logoUrl) {
    for (const id of ['brand-logo', 'welcome-logo', 'watermark']) $(id).src = interfaceConfig.logoUrl;
  }
}
