// The inspector's JSON API (docs/http-api.md). The page's own requests carry the token cookie the app set
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

/** POST a JSON body; an error answer throws ApiError carrying the answer's body (`body.missing` on a 400 replay). */
export async function post(path, data) {
  let response;
  try {
    response = await fetch(new URL(path, location.origin), {method: 'POST',
      headers: {Accept: 'application/json', 'Content-Type': 'application/json'}, body: JSON.stringify(data)});
  } catch (e) {
    throw new ApiError(0, 'The inspector does not answer: is sockscope still running?');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, body?.error ?? `${response.status} ${response.statusText}`);
    error.body = body;
    throw error;
  }
  return body;
}

/** PUT a body of `type`; an error answer throws ApiError with the app's own message. */
export async function put(path, type, data) {
  let response;
  try {
    response = await fetch(new URL(path, location.origin), {method: 'PUT', headers: {Accept: 'application/json', 'Content-Type': type}, body: data});
  } catch (e) {
    throw new ApiError(0, 'The inspector does not answer: is sockscope still running?');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.error ?? `${response.status} ${response.statusText}`);
  return body;
}

/** DELETE; an error answer throws ApiError. */
export async function del(path) {
  let response;
  try {
    response = await fetch(new URL(path, location.origin), {method: 'DELETE', headers: {Accept: 'application/json'}});
  } catch (e) {
    throw new ApiError(0, 'The inspector does not answer: is sockscope still running?');
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(response.status, body?.error ?? `${response.status} ${response.statusText}`);
  }
}

/** DELETE a session's star; answers the session as it is now. */
async function unstar(id) {
  let response;
  try {
    response = await fetch(new URL(`/api/sessions/${id}/star`, location.origin), {method: 'DELETE', headers: {Accept: 'application/json'}});
  } catch (e) {
    throw new ApiError(0, 'The inspector does not answer: is sockscope still running?');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.error ?? `${response.status} ${response.statusText}`);
  return body;
}

export const api = {
  sessions: (params, signal) => get('/api/sessions', params, signal),
  session: (id, signal) => get(`/api/sessions/${id}`, null, signal),
  frames: (id, params, signal) => get(`/api/sessions/${id}/frames`, params, signal),
  frame: (id, seq, signal) => get(`/api/sessions/${id}/frames/${seq}`, null, signal),
  stats: (id, signal) => get(`/api/sessions/${id}/stats`, null, signal),
  star: (id, starred) => starred ? post(`/api/sessions/${id}/star`, {}) : unstar(id),
  replay: (id, options) => post(`/api/sessions/${id}/replay`, options),
  replays: (id, signal) => get(`/api/sessions/${id}/replays`, null, signal),
  diff: (id, signal) => get(`/api/sessions/${id}/diff`, null, signal),
  intercept: signal => get('/api/intercept', null, signal),
  addBreakpoint: body => post('/api/intercept/breakpoints', body),
  removeBreakpoint: id => del(`/api/intercept/breakpoints/${id}`),
  release: (id, body) => post(`/api/intercept/held/${id}`, body),
  heldLabel: (id, body) => post(`/api/intercept/held/${id}/label`, body),
  send: (id, body) => post(`/api/sessions/${id}/send`, body),
  rules: signal => get('/api/rules', null, signal),
  enableRule: (name, enabled) => post(`/api/rules/${encodeURIComponent(name)}/enabled`, {enabled}),
  replaceRules: text => put('/api/rules', 'application/yaml', text),
};
