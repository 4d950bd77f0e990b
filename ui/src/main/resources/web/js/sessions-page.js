// The sessions page: newest first (or sorted by a column), live, with search and filters that apply as you type;
// j/k and Enter to open one.
import {api} from './api.js';
import {h, fill, notice} from './dom.js';
import * as fmt from './format.js';
import {listen} from './live.js';
import * as route from './route.js';

const PAGE = 100;
const FILTERS = ['q', 'protocol', 'proxy', 'state', 'errors', 'starred'];
/** How each sortable column orders sessions: by a number, larger first when descending. */
const SORTS = {
  started: s => s.startedAtMicros,
  duration: s => (s.endedAtMicros ?? Date.now() * 1000) - s.startedAtMicros,
  frames: s => s.frames ?? 0,
  bytes: s => (s.clientBytes ?? 0) + (s.serverBytes ?? 0),
};

export function sessionsPage(view, initial) {
  let params = pick(initial.params);
  let order = sortOf(initial.params);
  let sessions = [];
  let next = null;
  let selected = 0;
  let shown = []; // the sessions in the order on screen
  let loading = null;
  const rows = new Map(); // id → <tr>

  const q = h('input', {type: 'search', placeholder: 'Search addresses, path, query, close reason, error…', 'aria-label': 'Search sessions',
    id: 'session-search', value: params.q ?? ''});
  const protocol = h('input', {type: 'text', placeholder: 'protocol', 'aria-label': 'Protocol', list: 'protocols',
    value: params.protocol ?? '', size: 10, id: 'session-protocol', title: 'Any part of the protocol\'s name, any case'});
  const protocols = h('datalist', {id: 'protocols'});
  // A team store says which proxy recorded each session; a folder records none, so the filter then matches nothing.
  const proxy = h('input', {type: 'text', placeholder: 'proxy', 'aria-label': 'Proxy', list: 'proxies',
    value: params.proxy ?? '', size: 10, id: 'session-proxy', title: 'Any part of the recording proxy\'s name or host, any case (team store)'});
  const proxies = h('datalist', {id: 'proxies'});
  const state = h('select', {'aria-label': 'State'},
      h('option', {value: ''}, 'open and closed'), h('option', {value: 'open'}, 'open'), h('option', {value: 'closed'}, 'closed'));
  state.value = params.state ?? '';
  const errors = h('input', {type: 'checkbox', checked: params.errors === 'true', id: 'session-errors'});
  const starredOnly = h('input', {type: 'checkbox', checked: params.starred === 'true', id: 'session-starred'});
  const summary = h('span', {class: 'muted', id: 'sessions-count'});
  const body = h('tbody');
  const table = h('table', {class: 'sessions', id: 'sessions'},
      h('thead', null, h('tr', null,
          h('th', {class: 'star', title: 'Starred sessions are never deleted by retention'}, '★'),
          h('th', {class: 'num'}, '#'), sortable('started', 'Started', 'When the session opened'),
          sortable('duration', 'Duration', 'How long it lasted (open: so far)', 'num'),
          h('th', null, 'Route'), h('th', null, 'Protocol'),
          sortable('frames', 'Frames → / ←', 'Frames client → server / server → client (sorts by all frames)', 'num'),
          sortable('bytes', 'Bytes → / ←', 'Payload bytes client → server / server → client (sorts by all bytes)', 'num wide-only'),
          h('th', null, 'Close'), h('th', {class: 'wide-only'}, 'Closed by'), h('th', null, 'Error'))),
      body);
  const more = h('button', {type: 'button', class: 'more', hidden: true}, 'Older sessions');
  const status = h('div', {class: 'status-area'});

  fill(view,
      h('section', {class: 'page sessions-page'},
          h('form', {class: 'toolbar', role: 'search', on: {submit: e => { e.preventDefault(); apply(true); }}},
              q, protocol, protocols, proxy, proxies, state, h('label', {class: 'check'}, errors, 'errors only'),
              h('label', {class: 'check'}, starredOnly, 'starred only'), summary),
          status, h('div', {class: 'table-wrap'}, table), more));

  let typing;
  q.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(() => apply(false), 250); });
  protocol.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(() => apply(false), 250); });
  protocol.addEventListener('change', () => { clearTimeout(typing); apply(true); });
  proxy.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(() => apply(false), 250); });
  proxy.addEventListener('change', () => { clearTimeout(typing); apply(true); });
  state.addEventListener('change', () => apply(true));
  errors.addEventListener('change', () => apply(true));
  starredOnly.addEventListener('change', () => apply(true));
  more.addEventListener('click', () => load(true));

  function apply(push) {
    const next = pick({q: q.value.trim(), protocol: protocol.value.trim(), proxy: proxy.value.trim(), state: state.value, errors: errors.checked ? 'true' : '',
      starred: starredOnly.checked ? 'true' : ''});
    if (FILTERS.every(k => (next[k] ?? '') === (params[k] ?? ''))) return;
    params = next;
    address(push);
    load(false);
  }

  function address(push) {
    route.update({page: 'sessions', params: {...params, ...(order.sort ? order : {})}}, push);
  }

  /** A column header that sorts by `key`: descending first, then each click turns it round. */
  function sortable(key, title, hint, cls) {
    return h('th', {class: cls, 'data-sort': key, title: hint},
        h('button', {type: 'button', class: 'sort', on: {click: () => sortBy(key)}}, title));
  }

  function sortBy(key) {
    const current = order.sort || 'started';
    order = {sort: key, dir: current === key && (order.dir || 'desc') === 'desc' ? 'asc' : 'desc'};
    address(true);
    render();
  }

  /** The loaded sessions in the chosen order (by default newest first, as the server sends them). */
  function sorted() {
    if (!order.sort) return sessions;
    const value = SORTS[order.sort];
    const sign = order.dir === 'asc' ? 1 : -1;
    return [...sessions].sort((a, b) => sign * (value(a) - value(b)) || b.id - a.id);
  }

  function showOrder() {
    const key = order.sort || 'started';
    const dir = order.sort ? order.dir || 'desc' : 'desc';
    for (const th of table.querySelectorAll('th[data-sort]')) {
      if (th.dataset.sort === key) th.setAttribute('aria-sort', dir === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
  }

  async function load(older) {
    loading?.abort();
    const controller = loading = new AbortController();
    if (!older) fill(status, notice('loading', 'Loading sessions…'));
    try {
      const page = await api.sessions({...params, limit: PAGE, before: older ? next : null}, controller.signal);
      if (controller !== loading) return;
      sessions = older ? sessions.concat(page.sessions) : page.sessions;
      next = page.next;
      render();
    } catch (e) {
      if (e.name !== 'AbortError') fill(status, notice('error', 'Cannot list the sessions', e.message));
    }
  }

  function render() {
    rows.clear();
    shown = sorted();
    fill(body, shown.map(s => {
      const tr = row(s);
      rows.set(s.id, tr);
      return tr;
    }));
    showOrder();
    more.hidden = next === null;
    const filtered = FILTERS.some(k => params[k]);
    fill(summary, `${sessions.length}${next ? '+' : ''} session${sessions.length === 1 ? '' : 's'}`);
    fill(protocols, [...new Set(sessions.map(s => s.protocol).filter(Boolean))].map(p => h('option', {value: p})));
    fill(proxies, [...new Set(sessions.map(s => s.proxyName).filter(Boolean))].map(p => h('option', {value: p})));
    if (sessions.length === 0) {
      fill(status, filtered
          ? notice('empty', 'No session matches these filters.', 'Clear the search or the filters to see every session.')
          : notice('empty', 'No sessions recorded yet.',
              'Point a WebSocket client at one of the proxy\'s listen addresses; its session appears here as it opens.'));
    } else {
      status.replaceChildren();
    }
    select(Math.min(selected, sessions.length - 1), false);
  }

  function row(s) {
    const href = route.format({page: 'session', id: s.id, params: {}});
    const open = s.endedAtMicros === null || s.endedAtMicros === undefined;
    const tr = h('tr', {'data-id': s.id, class: s.error ? 'has-error' : null},
        h('td', {class: 'star'}, starButton(s)),
        h('td', {class: 'num'}, h('a', {href}, String(s.id))),
        h('td', {title: s.startedAt, class: 'started'}, fmt.when(s.startedAtMicros), ' ',
            h('span', {class: 'ago muted', 'data-micros': String(s.startedAtMicros)}, `(${fmt.ago(s.startedAtMicros)})`)),
        h('td', {class: 'num'}, open ? h('span', {class: 'badge open'}, 'open') : fmt.duration(s.endedAtMicros - s.startedAtMicros)),
        h('td', {class: 'route'}, s.proxyName ? [h('span', {class: 'badge proxy', title: `recorded by the proxy ${s.proxyName} on ${s.proxyHost ?? 'an unknown host'}`},
            s.proxyName), ' '] : null, h('span', {class: 'listen'}, s.listen), ' → ',
            h('span', {class: 'upstream', title: s.upstream + s.path + (s.query ? `?${s.query}` : '')},
                s.upstream + s.path + (s.query ? `?${s.query}` : ''))),
        h('td', null, s.protocol ? h('span', {class: 'badge protocol', title: s.protocolReason ?? ''}, s.protocol) : '–',
            s.replayOf !== null && s.replayOf !== undefined
                ? [' ', h('a', {class: 'badge replay-of', title: `A replay of session ${s.replayOf}; open its diff`,
                  href: route.format({page: 'session', id: s.id, params: {tab: 'replay'}})}, `replay of #${s.replayOf}`)] : null),
        h('td', {class: 'num frames'}, pairOf(s.clientFrames, s.serverFrames, fmt.count, s.frames)),
        h('td', {class: 'num wide-only bytes'}, pairOf(s.clientBytes, s.serverBytes, fmt.bytes)),
        h('td', {class: 'close'}, s.closeCode === null || s.closeCode === undefined ? (open ? '' : '–')
            : h('span', {title: s.closeReason ?? ''}, h('span', {class: `code ${s.closeCode === 1000 ? 'ok' : 'bad'}`}, String(s.closeCode)),
                s.closeReason ? ` ${s.closeReason}` : '')),
        h('td', {class: 'wide-only'}, s.closedBy ?? ''),
        h('td', {class: 'error'}, s.error ?? ''));
    tr.addEventListener('click', e => {
      if (e.target.closest('a, button')) return;
      location.hash = href;
    });
    return tr;
  }

  /** ☆ / ★: toggles the session's star in the store (retention keeps starred sessions). */
  function starButton(s) {
    const label = s.starred ? `Unstar session ${s.id}` : `Star session ${s.id} (retention keeps starred sessions)`;
    return h('button', {type: 'button', class: `star${s.starred ? ' on' : ''}`, 'aria-pressed': String(Boolean(s.starred)),
      'aria-label': label, title: label, on: {click: () => toggleStar(s)}}, s.starred ? '★' : '☆');
  }

  async function toggleStar(s) {
    try {
      const fresh = await api.star(s.id, !s.starred);
      const i = sessions.findIndex(x => x.id === s.id);
      if (i < 0) return;
      sessions[i] = {...sessions[i], starred: fresh.starred};
      if (params.starred && !fresh.starred) return later(); // it no longer matches the filter
      const old = rows.get(s.id);
      if (old) {
        const tr = row(sessions[i]);
        if (old.classList.contains('selected')) tr.classList.add('selected');
        old.replaceWith(tr);
        rows.set(s.id, tr);
      }
    } catch (e) {
      fill(status, notice('error', `Cannot ${s.starred ? 'unstar' : 'star'} session ${s.id}`, e.message));
    }
  }

  function pairOf(a, b, f, total) {
    if (a === null || a === undefined) return total === undefined ? '–' : fmt.count(total);
    return [h('span', {class: 'to-server'}, f(a)), ' / ', h('span', {class: 'to-client'}, f(b))];
  }

  function select(i, scroll = true) {
    body.querySelector('tr.selected')?.classList.remove('selected');
    if (i < 0 || shown.length === 0) return;
    selected = i;
    const tr = rows.get(shown[i].id);
    tr?.classList.add('selected');
    if (scroll) tr?.scrollIntoView({block: 'nearest'});
  }

  // Live: new and changed sessions go in place when no filter could exclude them; otherwise the list reloads.
  let reload;
  const later = () => { clearTimeout(reload); reload = setTimeout(() => load(false), 300); };
  let dirty = new Set();
  let frameTimer = null;
  const feed = listen({
    session: s => {
      if (FILTERS.some(k => params[k])) return later();
      const i = sessions.findIndex(x => x.id === s.id);
      if (i >= 0) sessions[i] = {...sessions[i], ...s, starred: sessions[i].starred}; // the feed does not carry stars
      else sessions.unshift(s);
      render();
    },
    frame: (id, f) => {
      const s = sessions.find(x => x.id === id);
      if (!s) return;
      s.frames = (s.frames ?? 0) + 1;
      const way = f.from === 'client' ? 'client' : 'server';
      if (s[`${way}Frames`] !== null && s[`${way}Frames`] !== undefined) {
        s[`${way}Frames`]++;
        s[`${way}Bytes`] += f.size;
      }
      dirty.add(id);
      frameTimer ??= setTimeout(() => {
        frameTimer = null;
        if (order.sort && order.sort !== 'started') {
          dirty = new Set();
          render(); // the order may have changed
          return;
        }
        for (const d of dirty) {
          const old = rows.get(d);
          const s2 = sessions.find(x => x.id === d);
          if (old && s2) {
            const fresh = row(s2);
            if (old.classList.contains('selected')) fresh.classList.add('selected');
            old.replaceWith(fresh);
            rows.set(d, fresh);
          }
        }
        dirty = new Set();
      }, 250);
    },
    dropped: later,
  });

  // "3 min ago" stays true while the page is open.
  const ages = setInterval(() => {
    for (const el of body.querySelectorAll('.ago')) el.textContent = `(${fmt.ago(Number(el.dataset.micros))})`;
  }, 30_000);

  load(false);

  return {
    route(r) {
      if (r.page !== 'sessions') return false;
      const p = pick(r.params);
      const o = sortOf(r.params);
      if (o.sort !== order.sort || o.dir !== order.dir) {
        order = o;
        render();
      }
      if (FILTERS.every(k => (p[k] ?? '') === (params[k] ?? ''))) return true;
      params = p;
      q.value = p.q ?? '';
      protocol.value = p.protocol ?? '';
      proxy.value = p.proxy ?? '';
      state.value = p.state ?? '';
      errors.checked = p.errors === 'true';
      starredOnly.checked = p.starred === 'true';
      load(false);
      return true;
    },
    key(e) {
      const k = e.key;
      if (k === 'j' || k === 'ArrowDown') select(Math.min(selected + 1, shown.length - 1));
      else if (k === 'k' || k === 'ArrowUp') select(Math.max(selected - 1, 0));
      else if (k === 'g' || k === 'Home') select(0);
      else if (k === 'G' || k === 'End') select(shown.length - 1);
      else if (k === 'Enter' && shown[selected]) location.hash = route.format({page: 'session', id: shown[selected].id, params: {}});
      else if (k === '/') q.focus();
      else return false;
      return true;
    },
    destroy() {
      feed.close();
      loading?.abort();
      clearTimeout(reload);
      clearTimeout(typing);
      clearTimeout(frameTimer);
      clearInterval(ages);
    },
  };
}

/** The order an address asks for: {sort, dir}, or {} for newest first. */
function sortOf(p) {
  return SORTS[p?.sort] ? {sort: p.sort, dir: p.dir === 'asc' ? 'asc' : 'desc'} : {};
}

function pick(p) {
  const out = {};
  for (const k of FILTERS) if (p?.[k]) out[k] = p[k];
  return out;
}
