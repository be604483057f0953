// What the user is told when the server's publish answer rejects some of what the browser offered
// (publishAnswer.rejected, docs/protocol.md): e.g. a browser that offers only H.264 video.

const WHAT = { camera: 'Your camera', microphone: 'Your microphone', screen: 'Your screen share' };

/**
 * @param {Array<{mid:string, media:string, reason:string, detail:string}>|undefined} rejected
 * @param {(mid: string) => (string|undefined)} sourceOfMid camera / microphone / screen of one of our mids
 * @returns {string[]} one message per rejected section, for a toast
 */
export function rejectionMessages(rejected, sourceOfMid) {
  if (!Array.isArray(rejected)) return [];
  return rejected.map((r) => {
    const source = sourceOfMid(String(r.mid));
    const what = WHAT[source] ?? (r.media === 'audio' ? 'Your microphone' : r.media === 'video' ? 'Your camera' : `A ${r.media} stream`);
    const why = r.reason === 'no-supported-codec'
      ? `this browser ${r.detail ?? 'offers no codec the server forwards'}`
      : (r.detail ?? r.reason);
    return `${what} cannot be sent to the meeting: ${why}.`;
  });
}
