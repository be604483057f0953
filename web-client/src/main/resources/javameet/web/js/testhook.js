// window.javameet: the stable hook automated browser tests (Selenium, headless Chromium) read. Keep it compatible:
// the browser tests under signaling/src/test/java/…/e2e depend on every name here.

import { joinMarks } from './joinmarks.js';

/**
 * Installs window.javameet over the page's state.
 * @param {{state: string, app: Object|null}} hook the page's state; `app` (app.js's RoomApp) is null off a meeting page
 */
export function installTestHook(hook) {
  const app = hook.app;
  /**
   * What the hook holds.
   * @typedef {Object} JavameetTestHook
   * @property {'connecting'|'welcome'|'prejoin'|'joining'|'lobby'|'password'|'joined'|'left'|'error'} state
   * @property {string|null} room
   * @property {string|null} participantId our id from `joined`
   * @property {() => Array<{id:string, displayName:string, audioMuted:boolean, videoMuted:boolean,
   *            moderator:boolean, local:boolean}>} participants everyone with a tile, yourself first
   * @property {RTCPeerConnection|null} publishPc null until joined with at least one track
   * @property {RTCPeerConnection|null} subscribePc null until the first subscribeOffer
   * @property {() => Promise<{inbound:Object[], outbound:Object[]}>} stats see MediaSession.stats()
   * @property {number|null} joinedAt performance.now() when `joined` arrived
   * @property {number|null} firstFrameAt performance.now() of the first decoded remote video frame
   * @property {Object<string, number>} joinMarks performance.now() of the first time each join step happened
   *           (joinmarks.js JOIN_STEPS: scripts loaded, WebSocket open, … first remote frame)
   * @property {Object|null} config the effective {config, interfaceConfig, userInfo}
   * @property {() => Array<{from:string, displayName:string, text:string, ts:number, local:boolean}>} chatMessages
   * @property {number} chatUnread messages that arrived while the chat was closed
   * @property {boolean} handRaised our own hand
   * @property {boolean} screenSharing we are sharing our screen
   * @property {string|null} spotlight the participant whose screen is shown large
   * @property {string|null} activeSpeaker the highlighted tile's participant
   * @property {string[]} pausedVideo participants whose camera the server does not forward to us (last-N)
   * @property {Object<string, number>} tileSizes the height we last told the server for each received video
   *           track (by its msid track id; `tileSizes`)
   * @property {boolean} moderator we are a moderator
   * @property {{waiting: boolean, enabled: boolean, requests: Array<{requestId:string, displayName:string}>}} lobby
   *           waiting: we wait in the lobby; enabled: the room's lobby is on; requests: people waiting (moderators)
   * @property {{locked: boolean, lobbyEnabled: boolean, recording: boolean}} roomState from `roomUpdated`
   * @property {number|null} recordingNoticeAt performance.now() when `joined` told us the meeting is recorded
   * @property {number|null} firstPublishOfferAt performance.now() when our first publish offer was sent
   * @property {string|null} errorCode why the error page shows: a server error code, `kicked`, or `error`
   * @property {string[]} recentMessages the types of the last 30 server messages on the current connection (no pongs)
   * @property {{failures:number, problem:string|null, reason:string|null, retryAt:number|null,
   *            reconnecting:boolean, iceRestarts:number}|null} connection
   *           reconnect state: failures in a row, the problem shown (from 3 failures on), the last failure's reason,
   *           a resume under way, ICE restarts so far
   */
  window.javameet = Object.freeze({
    get state() { return hook.state; },
    get room() { return app?.room ?? null; },
    get participantId() { return app?.participantId ?? null; },
    participants: () => app?.view.participants() ?? [],
    get publishPc() { return app?.session?.publishPc ?? null; },
    get subscribePc() { return app?.session?.subscribePc ?? null; },
    stats: async () => (app ? app.stats() : { inbound: [], outbound: [] }),
    get joinedAt() { return app?.joinedAt ?? null; },
    get firstFrameAt() { return app?.view.firstFrameAt ?? null; },
    get joinMarks() { return joinMarks.snapshot(); },
    get config() { return app?.cfg ?? null; },
    chatMessages: () => (app ? app.chat.messages.map((m) => ({ ...m })) : []),
    get chatUnread() { return app?.chat.unread ?? 0; },
    get handRaised() { return app?.handRaised ?? false; },
    get screenSharing() { return !!app?.screen.sharing; },
    get spotlight() { return app?.view.spotlight ?? null; },
    get activeSpeaker() { return app?.view.activeSpeaker ?? null; },
    get pausedVideo() { return [...(app?.view.tiles.values() ?? [])].filter((t) => t.forwardingPaused).map((t) => t.id); },
    get tileSizes() { return Object.fromEntries(app?.tileSizes.sent ?? []); },
    get moderator() { return app?.moderator ?? false; },
    get lobby() {
      return { waiting: !!app?.flow.lobbyWaiting, enabled: !!app?.moderation.roomState.lobbyEnabled,
        requests: app?.moderation.lobbyRequests.list() ?? [] };
    },
    get roomState() { return { ...(app?.moderation.roomState ?? { locked: false, lobbyEnabled: false, recording: false }) }; },
    get recordingNoticeAt() { return app?.moderation.recordingNoticeAt ?? null; },
    get firstPublishOfferAt() { return app?.session?.firstPublishOfferAt ?? null; },
    get errorCode() { return app?.flow.errorCode ?? null; },
    get recentMessages() { return [...(app?.flow.signaling?.recent ?? [])]; },
    get connection() {
      const s = app?.flow.snapshot();
      return s ? { failures: s.failures, problem: s.problem, reason: s.reason, retryAt: s.retryAt,
        reconnecting: s.reconnecting, iceRestarts: app.flow.iceRestarts } : null;
    },
  });
}
