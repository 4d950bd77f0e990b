// The live feed (GET /api/live, Server-Sent Events): new and changed sessions, new frames. Lossy by design: when
// the app drops events for a slow page it says so ("dropped"), and the page reloads what it shows from the API.

const stateLabel = () => document.getElementById('live-state');

function show(text, cls) {
  const el = stateLabel();
  if (el) {
    el.textContent = text;
    el.className = `live-state ${cls}`;
  }
}

/**
 * Listens until `close()`: handlers {session(view), frame(sessionId, frame), dropped()}; `sessionId` narrows the
 * feed to one session. The stream is let go while the page is hidden in the back/forward cache: a browser gives a
 * host only six connections, and a cached page's stream would hold one of them.
 */
export function listen(handlers, sessionId) {
  const url = sessionId ? `/api/live?session=${sessionId}` : '/api/live';
  let source = null;
  const connect = () => {
    source = new EventSource(url);
    show('connecting…', 'pending');
    source.addEventListener('open', () => show('live', 'on'));
    source.addEventListener('error', () => show(source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting…', 'off'));
    source.addEventListener('session', e => handlers.session?.(JSON.parse(e.data)));
    source.addEventListener('frame', e => {
      const body = JSON.parse(e.data);
      handlers.frame?.(body.sessionId, body.frame);
    });
    source.addEventListener('dropped', () => handlers.dropped?.());
  };
  const hidden = () => source?.close();
  const shown = e => {
    if (!e.persisted) return;
    connect();
    handlers.dropped?.(); // what came while away was missed
  };
  window.addEventListener('pagehide', hidden);
  window.addEventListener('pageshow', shown);
  connect();
  return {
    close() {
      source.close();
      window.removeEventListener('pagehide', hidden);
      window.removeEventListener('pageshow', shown);
    },
  };
}
