// The sessions page: newest first, live, with search and filters; j/k and Enter to open one.
import {api} from './api.js';
import {h, fill, notice} from './dom.js';
import * as fmt from './format.js';
import {listen} from './live.js';
import * as route from './route.js';

const PAGE = 100;
const FILTERS = ['q', 'protocol', 'state', 'errors'];

export function sessionsPage(view, initial) {
  let params = pick(initial.params);
  let sessions = [];
  let next = null;
  let selected = 0;
  let loading = null;
  const rows = new Map(); // id → <tr>

  const q = h('input', {type: 'search', placeholder: 'Search addresses, path, query, close reason, error…', 'aria-label': 'Search sessions',
    id: 'session-search', value: params.q ?? ''});
  const protocol = h('input', {type: 'text', placeholder: 'protocol', 'aria-label': 'Protocol', list: 'protocols',
    value: params.protocol ?? '', size: 10});
  const protocols = h('datalist', {id: 'protocols'});
  const state = h('select', {'aria-label': 'State'},
      h('option', {value: ''}, 'open and closed'), h('option', {value: 'open'}, 'open'), h('option', {value: 'closed'}, 'closed'));
  state.value = params.state ?? '';
  const errors = h('input', {type: 'checkbox', checked: params.errors === 'true'});
  const summary = h('span', {class: 'muted', id: 'sessions-count'});
  const body = h('tbody');
  const table = h('table', {class: 'sessions', id: 'sessions'},
      h('thead', null, h('tr', null,
          h('th', {class: 'num'}, '#'), h('th', null, 'Started'), h('th', {class: 'num'}, 'Duration'),
          h('th', null, 'Route'), h('th', null, 'Protocol'),
          h('th', {class: 'num', title: 'Frames client → server / server → client'}, 'Frames → / ←'),
          h('th', {class: 'num wide-only', title: 'Payload bytes client → server / server → client'}, 'Bytes → / ←'),
          h('th', null, 'Close'), h('th', {class: 'wide-only'}, 'Closed by'), h('th', null, 'Error'))),
      body);
  const more = h('button', {type: 'button', class: 'more', hidden: true}, 'Older sessions');
  const status = h('div', {class: 'status-area'});

  fill(view,
      h('section', {class: 'page sessions-page'},
          h('form', {class: 'toolbar', role: 'search', on: {submit: e => { e.preventDefault(); apply(true); }}},
              q, protocol, protocols, state, h('label', {class: 'check'}, errors, 'errors only'), summary),
          status, h('div', {class: 'table-wrap'}, table), more));

  let typing;
  q.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(() => apply(false), 250); });
  protocol.addEventListener('change', () => apply(true));
  state.addEventListener('change', () => apply(true));
  errors.addEventListener('change', () => apply(true));
  more.addEventListener('click', () => load(true));

  function apply(push) {
    params = pick({q: q.value.trim(), protocol: protocol.value.trim(), state: state.value, errors: errors.checked ? 'true' : ''});
    route.update({page: 'sessions', params}, push);
    load(false);
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
    fill(body, sessions.map(s => {
      const tr = row(s);
      rows.set(s.id, tr);
      return tr;
    }));
    more.hidden = next === null;
    const filtered = FILTERS.some(k => params[k]);
    fill(summary, `${sessions.length}${next ? '+' : ''} session${sessions.length === 1 ? '' : 's'}`);
    fill(protocols, [...new Set(sessions.map(s => s.protocol).filter(Boolean))].map(p => h('option', {value: p})));
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
        h('td', {class: 'num'}, h('a', {href}, String(s.id))),
        h('td', {title: s.startedAt}, fmt.when(s.startedAtMicros)),
        h('td', {class: 'num'}, open ? h('span', {class: 'badge open'}, 'open') : fmt.duration(s.endedAtMicros - s.startedAtMicros)),
        h('td', {class: 'route'}, h('span', {class: 'listen'}, s.listen), ' → ',
            h('span', {class: 'upstream', title: s.upstream + s.path + (s.query ? `?${s.query}` : '')},
                s.upstream + s.path + (s.query ? `?${s.query}` : ''))),
        h('td', null, s.protocol ? h('span', {class: 'badge protocol', title: s.protocolReason ?? ''}, s.protocol) : '–'),
        h('td', {class: 'num frames'}, pairOf(s.clientFrames, s.serverFrames, fmt.count, s.frames)),
        h('td', {class: 'num wide-only bytes'}, pairOf(s.clientBytes, s.serverBytes, fmt.bytes)),
        h('td', {class: 'close'}, s.closeCode === null || s.closeCode === undefined ? (open ? '' : '–')
            : h('span', {title: s.closeReason ?? ''}, h('span', {class: `code ${s.closeCode === 1000 ? 'ok' : 'bad'}`}, String(s.closeCode)),
                s.closeReason ? ` ${s.closeReason}` : '')),
        h('td', {class: 'wide-only'}, s.closedBy ?? ''),
        h('td', {class: 'error'}, s.error ?? ''));
    tr.addEventListener('click', e => {
      if (e.target.closest('a')) return;
      location.hash = href;
    });
    return tr;
  }

  function pairOf(a, b, f, total) {
    if (a === null || a === undefined) return total === undefined ? '–' : fmt.count(total);
    return [h('span', {class: 'to-server'}, f(a)), ' / ', h('span', {class: 'to-client'}, f(b))];
  }

  function select(i, scroll = true) {
    body.querySelector('tr.selected')?.classList.remove('selected');
    if (i < 0 || sessions.length === 0) return;
    selected = i;
    const tr = rows.get(sessions[i].id);
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
      if (i >= 0) sessions[i] = {...sessions[i], ...s};
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

  load(false);

  return {
    route(r) {
      if (r.page !== 'sessions') return false;
      const p = pick(r.params);
      if (FILTERS.every(k => (p[k] ?? '') === (params[k] ?? ''))) return true;
      params = p;
      q.value = p.q ?? '';
      protocol.value = p.protocol ?? '';
      state.value = p.state ?? '';
      errors.checked = p.errors === 'true';
      load(false);
      return true;
    },
    key(e) {
      const k = e.key;
      if (k === 'j' || k === 'ArrowDown') select(Math.min(selected + 1, sessions.length - 1));
      else if (k === 'k' || k === 'ArrowUp') select(Math.max(selected - 1, 0));
      else if (k === 'g' || k === 'Home') select(0);
      else if (k === 'G' || k === 'End') select(sessions.length - 1);
      else if (k === 'Enter' && sessions[selected]) location.hash = route.format({page: 'session', id: sessions[selected].id, params: {}});
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
    },
  };
}

function pick(p) {
  const out = {};
  for (const k of FILTERS) if (p?.[k]) out[k] = p[k];
  return out;
}
