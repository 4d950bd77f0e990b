// The inspector's JSON API (README, "HTTP API"). The page's own requests carry the token cookie the app set
// when the printed URL (with ?token=) was opened, so nothing here handles the token.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** GET a JSON answer; an error answer throws ApiError with the app's own message. */
export async function get(path, params, signal) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v !== undefined && v !== null && v !== '' && v !== false) url.searchParams.set(k, String(v));
  }
  let response;
  try {
    response = await fetch(url, {signal, headers: {Accept: 'application/json'}});
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'The inspector does not answer: is sockscope still running?');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, body?.error ?? `${response.status} ${response.statusText}`);
  }
  return body;
}

export const api = {
  sessions: (params, signal) => get('/api/sessions', params, signal),
  session: (id, signal) => get(`/api/sessions/${id}`, null, signal),
  frames: (id, params, signal) => get(`/api/sessions/${id}/frames`, params, signal),
  frame: (id, seq, signal) => get(`/api/sessions/${id}/frames/${seq}`, null, signal),
  stats: (id, signal) => get(`/api/sessions/${id}/stats`, null, signal),
};
