// The chat panel: messages with names and times, Enter sends, an unread count on the toolbar
// button while the panel is closed.

/** @typedef {import('./protocol.js').ChatMessage} ChatMessage */

const $ = (id) => document.getElementById(id);
export const MAX_CHAT = 2000;

/** 13:05 in the browser's locale. @param {number} ts ms since epoch */
export function chatTime(ts) {
  return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * The messages of a room's chat history (`joined` / `resumed`: the server's last messages, oldest first) that are
 * not shown yet: a page that was between connections already shows what it received before, and a message sent
 * while `joined` was on its way can come both in the history and on its own.
 * @param {ChatMessage[]} history @param {Array<{from:string, ts:number, text:string}>} shown
 */
export function unseenChat(history, shown) {
  const key = (m) => `${m.from}\u0000${m.ts}\u0000${m.text}`;
  const seen = new Set(shown.map(key));
  return (history ?? []).filter((m) => m && typeof m.text === 'string' && !seen.has(key(m)));
}

export class ChatPanel {
  /** @param {{onSend: (text: string) => boolean, onOpenChange?: (open: boolean) => void}} actions */
  constructor(actions) {
    this.actions = actions;
    /** @type {Array<{from:string, displayName:string, text:string, ts:number, local:boolean}>} */
    this.messages = [];
    this.unread = 0;
    this.panel = $('chat-panel');
    this.list = $('chat-messages');
    this.input = $('chat-input');
    this.badge = $('chat-unread');
    this.button = $('toggle-chat');
    $('chat-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.send();
    });
    $('chat-close').addEventListener('click', () => this.setOpen(false));
    this.input.maxLength = MAX_CHAT;
    this.refreshBadge();
  }

  get open() { return !this.panel.hidden; }

  setOpen(open) {
    if (open === this.open) return;
    this.panel.hidden = !open;
    this.button.classList.toggle('active', open);
    this.button.setAttribute('aria-pressed', String(open));
    if (open) {
      this.unread = 0;
      this.refreshBadge();
      this.list.scrollTop = this.list.scrollHeight;
      this.input.focus();
    }
    this.actions.onOpenChange?.(open);
  }

  toggle() { this.setOpen(!this.open); }

  /** @private */
  send() {
    const text = this.input.value.trim();
    if (!text) return;
    if (this.actions.onSend(text.slice(0, MAX_CHAT))) this.input.value = '';
  }

  /** @param {ChatMessage} msg @param {boolean} local sent by us (the server echoes our own) */
  add(msg, local) {
    const entry = { from: msg.from, displayName: msg.displayName ?? '', text: msg.text, ts: msg.ts, local };
    this.messages.push(entry);
    const item = document.createElement('li');
    item.className = `chat-msg${local ? ' own' : ''}`;
    const meta = document.createElement('div');
    meta.className = 'chat-meta';
    const name = document.createElement('span');
    name.className = 'chat-name';
    name.textContent = local ? 'You' : (entry.displayName.trim() || 'Guest');
    const time = document.createElement('time');
    time.dateTime = new Date(entry.ts).toISOString();
    time.textContent = chatTime(entry.ts);
    meta.append(name, time);
    const text = document.createElement('div');
    text.className = 'chat-text';
    text.textContent = entry.text; // never HTML
    item.append(meta, text);
    const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    this.list.append(item);
    if (atBottom || local) this.list.scrollTop = this.list.scrollHeight;
    $('chat-empty').hidden = true;
    if (!this.open && !local) {
      this.unread++;
      this.refreshBadge();
    }
  }

  /**
   * What was said before we joined, or while we were away.
   * @param {ChatMessage[]} history @param {(from: string) => boolean} isOwn sent by this page (any id it had)
   */
  addHistory(history, isOwn) {
    for (const m of unseenChat(history, this.messages)) this.add(m, isOwn(m.from));
  }

  /** @private */
  refreshBadge() {
    this.badge.textContent = this.unread > 99 ? '99+' : String(this.unread);
    this.badge.hidden = this.unread === 0;
    this.button.setAttribute('aria-label', `Chat (C)${this.unread ? `, ${this.unread} unread` : ''}`);
  }

  clear() {
    this.messages = [];
    this.list.replaceChildren();
    $('chat-empty').hidden = false;
    this.unread = 0;
    this.refreshBadge();
  }
}
