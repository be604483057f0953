// Access control as the user sees it: the room password prompt, the lobby requests a moderator
// answers, and the pages for being refused or removed (docs/protocol.md, "Meeting features").

const $ = (id) => document.getElementById(id);

/**
 * The page shown for each way of being kept out of (or put out of) a meeting.
 * @type {Object<string, {title: string, text: (serverMessage: string) => string}>}
 */
export const ACCESS_PAGES = {
  'auth-required': {
    title: 'Sign-in required',
    text: (m) => `This server only lets people with a valid access link start or join this meeting. ${m}`.trim(),
  },
  'bad-token': {
    title: 'Your access link is not valid',
    text: (m) => `${m || 'The token in the link was refused.'} Ask the organizer for a new link.`,
  },
  'lobby-denied': {
    title: 'You were not let in',
    text: () => 'A moderator declined your request to join this meeting.',
  },
  kicked: {
    title: 'You were removed from the meeting',
    text: (m) => m,
  },
  'token-expired': {
    title: 'Your access link has expired',
    text: () => 'The meeting ended for you when the token in your link expired. Ask the organizer for a new link.',
  },
};

/**
 * Shows the password page and resolves with what the user typed.
 * @param {boolean} wrong the previous attempt was refused
 * @returns {Promise<string>}
 */
export function askPassword(wrong) {
  const form = $('join-password-form');
  const input = /** @type {HTMLInputElement} */ ($('password-input'));
  $('password-error').hidden = !wrong;
  input.value = '';
  input.setAttribute('aria-invalid', String(wrong));
  setTimeout(() => input.focus(), 0);
  return new Promise((resolve) => {
    const onSubmit = (ev) => {
      ev.preventDefault();
      if (!input.value) { input.focus(); return; }
      form.removeEventListener('submit', onSubmit);
      resolve(input.value);
    };
    form.addEventListener('submit', onSubmit);
  });
}

/**
 * For moderators: one card per person waiting in the lobby, with Admit and Deny.
 */
export class LobbyRequests {
  /** @param {(requestId: string, admit: boolean) => void} onDecide */
  constructor(onDecide) {
    this.onDecide = onDecide;
    this.box = $('lobby-requests');
    /** @type {Map<string, {requestId: string, displayName: string, el: HTMLElement}>} */
    this.requests = new Map();
  }

  /** @param {{requestId: string, displayName: string}} req */
  add(req) {
    if (this.requests.has(req.requestId)) return;
    const el = document.createElement('div');
    el.className = 'lobby-request';
    el.setAttribute('role', 'alertdialog');
    el.dataset.requestId = req.requestId;
    const text = document.createElement('p');
    text.textContent = `${req.displayName?.trim() || 'Someone'} wants to join`;
    const row = document.createElement('div');
    row.className = 'row';
    const admit = Object.assign(document.createElement('button'), {
      type: 'button', className: 'btn btn-primary btn-small', id: `lobby-admit-${req.requestId}`, textContent: 'Admit',
    });
    const deny = Object.assign(document.createElement('button'), {
      type: 'button', className: 'btn btn-small', id: `lobby-deny-${req.requestId}`, textContent: 'Deny',
    });
    admit.addEventListener('click', () => this.decide(req.requestId, true));
    deny.addEventListener('click', () => this.decide(req.requestId, false));
    row.append(admit, deny);
    el.append(text, row);
    this.box.append(el);
    this.requests.set(req.requestId, { ...req, el });
  }

  /** @private */
  decide(requestId, admit) {
    this.onDecide(requestId, admit);
    this.remove(requestId);
  }

  /** Decided here, by another moderator, or the waiter left. */
  remove(requestId) {
    this.requests.get(requestId)?.el.remove();
    this.requests.delete(requestId);
  }

  clear() {
    for (const id of [...this.requests.keys()]) this.remove(id);
  }

  /** @returns {Array<{requestId: string, displayName: string}>} */
  list() {
    return [...this.requests.values()].map(({ requestId, displayName }) => ({ requestId, displayName }));
  }
}
