// The address names what is on screen, so that a link can be shared and back/forward work:
//   #/                          the sessions (#/?q=…&protocol=…&state=open&errors=true&sort=frames&dir=asc)
//   #/sessions/12?label=LOGIN&frame=57&search=token&tab=charts
//   #/intercept                 breakpoints and held messages
//   #/rules                     the rules of the running proxy

/** The route of a location hash: {page, id, params}. */
export function parse(hash) {
  const [path, query] = (hash.replace(/^#/, '') || '/').split('?');
  const params = Object.fromEntries(new URLSearchParams(query ?? ''));
  const m = path.match(/^\/sessions\/(\d+)\/?$/);
  if (m) return {page: 'session', id: Number(m[1]), params};
  if (/^\/intercept\/?$/.test(path)) return {page: 'intercept', id: null, params};
  if (/^\/rules\/?$/.test(path)) return {page: 'rules', id: null, params};
  return {page: 'sessions', id: null, params};
}

export function format(route) {
  const path = route.page === 'session' ? `/sessions/${route.id}` : route.page === 'intercept' ? '/intercept'
      : route.page === 'rules' ? '/rules' : '/';
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(route.params ?? {})) {
    if (v !== undefined && v !== null && v !== '' && v !== false) query.set(k, String(v));
  }
  const q = query.toString();
  return `#${path}${q ? `?${q}` : ''}`;
}

/** Changes the address without a page render; `push` adds a history entry (a new filter), else it replaces. */
export function update(route, push) {
  const hash = format(route);
  if (hash === location.hash) return;
  if (push) history.pushState(null, '', hash);
  else history.replaceState(null, '', hash);
}
