// The header's indicator of a recorder that is behind, or of live updates that stopped (/api/status): shown while the proxy records messages in part
// because the recorder could not keep up (docs/recording.md), hidden otherwise and where this inspector does not record.
import {get} from './api.js';
import {bytes} from './format.js';

const EVERY_MS = 2000;

export function watchRecordingLag(indicator) {
  async function look() {
    try {
      const status = await get('/api/status');
      const r = status.recording;
      if (r?.lagging) {
        const seconds = Math.max(0, Math.round((Date.now() - r.laggingSince) / 1000));
        const sessions = r.sessionsBehind === 1 ? '1 session' : `${r.sessionsBehind} sessions`;
        indicator.textContent = `Recording ${seconds} s behind: ${sessions}, ${bytes(r.bytesBehind)} queued`;
        indicator.title = 'The relay no longer waits for the recorder: until it catches up, each message keeps its first'
          + ` kilobyte in the recording, with a note (${r.framesRecordedInPart} so far).`;
        indicator.hidden = false;
      } else if (status.live && status.live.ok === false) {
        indicator.textContent = 'Live updates stopped';
        indicator.title = `${status.live.problem} (since ${new Date(status.live.sinceMillis).toLocaleTimeString()}); reload`
          + ' the page once the recordings can be read again.';
        indicator.hidden = false;
      } else {
        indicator.hidden = true;
      }
    } catch (e) {
      indicator.hidden = true; // the live state already says when the inspector does not answer
    }
  }
  look();
  return setInterval(look, EVERY_MS);
}
