// The session page: its header, the timeline with server-side filters and search, the frame detail, the
// handshake and the charts; live while the session is open. The address names the filter, search, tab and frame.
import {api} from './api.js';
import {h, fill, notice} from './dom.js';
import * as fmt from './format.js';
import {listen} from './live.js';
import * as route from './route.js';
import {Timeline} from './timeline.js';
import {SeqSource, MatchSource} from './frame-sources.js';
import {FrameDetail} from './frame-detail.js';
import {handshakePanel} from './handshake.js';
import {showCharts} from './charts.js';
import {replayPanel} from './replay.js';
import {composePanel} from './compose.js';

const FILTERS = ['from', 'type', 'kind', 'label', 'text', 'regex', 'warnings'];
const TYPING_MS = 250;
const KINDS = ['request', 'response', 'error', 'event', 'heartbeat', 'control', 'unknown'];
const TYPES = ['text', 'binary', 'ping', 'pong', 'close'];

export function sessionPage(view, initial) {
  const id = initial.id;
  let params = {...initial.params};
  let session = null;
  let charts = [];
  let chartsShown = false;
  let feed = null;
  let destroyed = false;

  // Header and tabs.
  const title = h('h1', {class: 'session-title'}, `Session ${id}`);
  const facts = h('div', {class: 'session-facts', id: 'session-facts'});
  const tabButtons = {};
  const tabs = h('div', {class: 'tabs page-tabs', role: 'tablist'}, ['timeline', 'handshake', 'charts', 'replay', 'compose'].map(t => {
    tabButtons[t] = h('button', {type: 'button', role: 'tab', class: 'tab', id: `tab-${t}`,
      on: {click: () => { params.tab = t === 'timeline' ? '' : t; push(true); showTab(); }}}, t[0].toUpperCase() + t.slice(1));
    return tabButtons[t];
  }));

  // Filters (server side) and search.
  const from = select('Direction', [['', 'both ways'], ['client', '→ client to server'], ['server', '← server to client']]);
  const type = select('Type', [['', 'any type'], ...TYPES.map(t => [t, t])]);
  const kind = select('Kind', [['', 'any kind'], ...KINDS.map(k => [k, k])]);
  const label = h('input', {type: 'text', placeholder: 'label', 'aria-label': 'Label', list: 'labels', size: 14, id: 'filter-label'});
  const labels = h('datalist', {id: 'labels'});
  const text = h('input', {type: 'text', placeholder: 'payload contains…', 'aria-label': 'Payload contains', size: 16, id: 'filter-text'});
  const regex = h('input', {type: 'text', placeholder: 'regex', 'aria-label': 'Payload matches regex', size: 10, id: 'filter-regex'});
  const warnings = h('input', {type: 'checkbox', id: 'filter-warnings'});
  const clear = h('button', {type: 'button', class: 'ghost', title: 'Show every frame'}, 'Clear');
  const shown = h('span', {class: 'muted', id: 'shown'});
  const filterForm = h('form', {class: 'toolbar filters', role: 'search', 'aria-label': 'Filter frames'},
      from, type, kind, label, labels, text, regex, h('label', {class: 'check'}, warnings, 'warnings'), clear, shown);

  const search = h('input', {type: 'search', placeholder: 'Search (/) — n next, N previous', 'aria-label': 'Search frames', id: 'search', size: 24});
  const prevMatch = h('button', {type: 'button', class: 'ghost', title: 'Previous match (N)'}, '↑');
  const nextMatch = h('button', {type: 'button', class: 'ghost', title: 'Next match (n)'}, '↓');
  const searchStatus = h('span', {class: 'muted', id: 'search-status', 'aria-live': 'polite'});
  const follow = h('button', {type: 'button', class: 'ghost toggle', id: 'follow', title: 'Follow new frames (f)', 'aria-pressed': 'false'}, 'Follow');
  const searchBar = h('div', {class: 'toolbar searchbar'}, search, prevMatch, nextMatch, searchStatus, h('span', {class: 'spacer'}), follow);

  const split = h('div', {class: 'split'});
  const timelinePane = h('div', {class: 'tab-body', id: 'pane-timeline'}, filterForm, searchBar, split);
  const handshakePane = h('div', {class: 'tab-body', id: 'pane-handshake', hidden: true});
  const chartsPane = h('div', {class: 'tab-body', id: 'pane-charts', hidden: true});
  const replayPane = h('div', {class: 'tab-body', id: 'pane-replay', hidden: true});
  const composePane = h('div', {class: 'tab-body', id: 'pane-compose', hidden: true});
  let composeFor = null;
  let replayShown = false;
  const status = h('div', {class: 'status-area'});
  fill(view, h('section', {class: 'page session-page'}, h('div', {class: 'session-head'}, title, facts), tabs, status,
      timelinePane, handshakePane, chartsPane, replayPane, composePane));

  const timeline = new Timeline(split, {onSelect: f => selected(f, false), onOpen: f => selected(f, true)});
  const detail = new FrameDetail(split, {jump: seq => jumpTo(seq, true), close: () => closeDetail(), terms: () => terms()});
  timeline.scroller.addEventListener('scroll', () => {
    if (timeline.follow && !timeline.atEnd()) setFollow(false);
  });

  // Events. Text filters and the search apply as you type, a quarter second after the last key; Enter at once.
  // A burst of typing is one history entry (the first application pushes, the rest replace it).
  let typingTimer;
  let searchTimer;
  let typingPushed = false;
  const typed = () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      applyFilters(!typingPushed);
      typingPushed = true;
    }, TYPING_MS);
  };
  for (const input of [from, type, kind, warnings]) input.addEventListener('change', () => applyFilters(true));
  for (const input of [label, text, regex]) {
    input.addEventListener('input', typed);
    input.addEventListener('change', () => { clearTimeout(typingTimer); applyFilters(false); });
    input.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); clearTimeout(typingTimer); applyFilters(!typingPushed); } });
    input.addEventListener('blur', () => { typingPushed = false; });
  }
  filterForm.addEventListener('submit', e => e.preventDefault());
  clear.addEventListener('click', () => {
    for (const input of [from, type, kind, label, text, regex]) input.value = '';
    warnings.checked = false;
    applyFilters(true);
  });
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(searchTyped, TYPING_MS);
  });
  search.addEventListener('keydown', e => {
    if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(searchTimer);
      params.search = search.value;
      push(false);
      highlight();
      findMatch(e.shiftKey ? -1 : 1);
    }
  });
  nextMatch.addEventListener('click', () => findMatch(1));
  prevMatch.addEventListener('click', () => findMatch(-1));
  follow.addEventListener('click', () => setFollow(!timeline.follow));

  function select(name, options) {
    return h('select', {'aria-label': name, id: `filter-${name.toLowerCase()}`}, options.map(([v, t]) => h('option', {value: v}, t)));
  }

  function filter() {
    const f = {};
    for (const k of FILTERS) if (params[k]) f[k] = params[k];
    return f;
  }

  function setInputs() {
    from.value = params.from ?? '';
    type.value = params.type ?? '';
    kind.value = params.kind ?? '';
    label.value = params.label ?? '';
    text.value = params.text ?? '';
    regex.value = params.regex ?? '';
    warnings.checked = params.warnings === 'true';
    search.value = params.search ?? '';
  }

  /** Reads the filter inputs and, when they changed, fetches the frames again; `newEntry` adds a history entry. */
  function applyFilters(newEntry) {
    const before = filter();
    params.from = from.value;
    params.type = type.value;
    params.kind = kind.value;
    params.label = label.value.trim();
    params.text = text.value;
    params.regex = regex.value;
    params.warnings = warnings.checked ? 'true' : '';
    if (JSON.stringify(before) === JSON.stringify(filter())) return;
    push(newEntry);
    highlight();
    loadFrames(Number(params.frame) || null);
  }

  /** The search as typed: marked at once, and the first match from the selected frame on selected. */
  function searchTyped() {
    params.search = search.value;
    push(false);
    highlight();
    if (search.value) {
      findMatch(1, true);
    } else {
      timeline.markedSeq = null;
      fill(searchStatus, '');
      timeline.schedule();
    }
  }

  /** What the rows and the detail's text mark: the search, and the payload text filter. */
  function terms() {
    return [params.search, params.text].filter(t => t);
  }

  function highlight() {
    timeline.terms = terms();
    timeline.schedule();
  }

  function push(newEntry) {
    route.update({page: 'session', id, params}, newEntry);
  }

  async function loadSession() {
    fill(status, notice('loading', `Loading session ${id}…`));
    try {
      session = await api.session(id);
    } catch (e) {
      fill(status, e.status === 404
          ? notice('error', `There is no session ${id}.`, 'It may have been deleted, or the link is from another recordings folder.')
          : notice('error', `Cannot load session ${id}`, e.message));
      timelinePane.hidden = true;
      tabs.hidden = true;
      return false;
    }
    status.replaceChildren();
    renderHead();
    fill(handshakePane, handshakePanel(session));
    showTab();
    return true;
  }

  function renderHead() {
    const s = session;
    const open = s.endedAtMicros === null || s.endedAtMicros === undefined;
    fill(title, `Session ${s.id} `, s.protocol ? h('span', {class: 'badge protocol', title: s.protocolReason ?? ''}, s.protocol) : null,
        open ? h('span', {class: 'badge open'}, 'open') : null);
    const close = s.closeCode === null || s.closeCode === undefined ? null
        : `closed ${s.closeCode}${s.closeReason ? ` ${s.closeReason}` : ''}${s.closedBy ? ` by ${s.closedBy}` : ''}`;
    fill(facts,
        h('span', {class: 'route'}, `${s.listen} → ${s.upstream}${s.path}`),
        h('span', {title: s.startedAt}, `${fmt.when(s.startedAtMicros)} (${fmt.ago(s.startedAtMicros)})`),
        h('span', null, open ? 'open' : fmt.duration(s.endedAtMicros - s.startedAtMicros)),
        h('span', {id: 'frame-count'}, `${fmt.count(s.frames)} frames`,
            s.clientFrames !== null && s.clientFrames !== undefined
                ? ` (→ ${fmt.count(s.clientFrames)} · ${fmt.bytes(s.clientBytes)}, ← ${fmt.count(s.serverFrames)} · ${fmt.bytes(s.serverBytes)})` : ''),
        close ? h('span', {class: s.closeCode === 1000 ? '' : 'bad'}, close) : null,
        s.error ? h('span', {class: 'bad'}, `error: ${s.error}`) : null,
        s.unanswered?.length ? h('span', {class: 'bad'}, `${s.unanswered.length} never answered`) : null);
    document.title = `Session ${s.id} · Sockscope`;
  }

  async function loadFrames(anchor) {
    const f = filter();
    const filtered = Object.keys(f).length > 0;
    timeline.message(null);
    let source;
    if (filtered) {
      source = new MatchSource(id, f);
      timeline.setSource(source, session.startedAtMicros);
      timeline.message(notice('loading', 'Filtering…'));
      try {
        await source.start(anchor);
      } catch (e) {
        if (e.name === 'AbortError') return;
        timeline.message(notice('error', 'Cannot filter the frames', e.message));
        fill(shown, '');
        return;
      }
      timeline.message(source.length === 0 ? notice('empty', 'No frame matches this filter.', 'Change or clear the filter.') : null);
    } else {
      source = new SeqSource(id, session.frames);
      timeline.setSource(source, session.startedAtMicros);
      timeline.message(session.frames === 0 ? notice('empty', 'No frames yet.',
          session.endedAtMicros ? 'The session closed before any frame.' : 'They appear here as they cross the proxy.') : null);
    }
    source.onError = e => fill(searchStatus, `Could not load frames: ${e.message}`);
    showCount();
    if (anchor) {
      const i = await source.locate(anchor);
      if (i >= 0) {
        timeline.selectSeq(anchor, false);
        timeline.centre(i);
      }
      detail.show(id, anchor, session.startedAtMicros);
    } else if (session.endedAtMicros === null || session.endedAtMicros === undefined) {
      setFollow(true);
    }
  }

  function showCount() {
    const s = timeline.source;
    if (!s) return;
    if (s instanceof MatchSource) {
      fill(shown, `${fmt.count(s.length)}${s.next !== null || s.prev !== null ? '+' : ''} matching of ${fmt.count(session.frames)}`);
    } else {
      fill(shown, `${fmt.count(s.length)} frames`);
    }
  }

  let detailTimer;
  function selected(f, open) {
    params.frame = String(f.seq);
    push(false);
    if (open || detail.open) {
      clearTimeout(detailTimer);
      // Holding j down moves faster than frames load: show the one it stops on.
      detailTimer = setTimeout(() => detail.show(id, f.seq, session.startedAtMicros), open ? 0 : 120);
    }
  }

  function closeDetail() {
    detail.hide();
    timeline.focus();
  }

  /** Selects frame `seq` wherever it is; when the filter hides it, its detail still shows. */
  async function jumpTo(seq, showDetail) {
    setFollow(false);
    const i = await timeline.source.locate(seq);
    if (i >= 0) {
      timeline.selectSeq(seq, false);
      timeline.centre(i);
    } else {
      fill(searchStatus, `Frame #${seq} is hidden by the filter.`);
    }
    params.frame = String(seq);
    push(false);
    if (showDetail || detail.open) detail.show(id, seq, session.startedAtMicros);
  }

  let searching = 0;

  /**
   * The next (1) or previous (-1) frame that matches the search, within the filter, from the selected frame; while
   * typing (`incremental`) the selected frame itself may be the match, so that each key refines the same one.
   */
  async function findMatch(direction, incremental = false) {
    const q = search.value;
    if (!q) {
      search.focus();
      return;
    }
    const f = filter();
    const query = f.text ? {...f, regex: escapeRegex(q)} : {...f, text: q};
    const selectedSeq = timeline.selectedSeq;
    const current = selectedSeq === null ? (direction > 0 ? 0 : session.frames + 1) : selectedSeq - (incremental ? 1 : 0);
    const mine = ++searching;
    fill(searchStatus, 'Searching…');
    try {
      let page = await api.frames(id, direction > 0 ? {...query, after: Math.max(0, current), limit: 1} : {...query, before: Math.max(1, current), limit: 1});
      if (mine !== searching) return; // a newer key's search answers instead
      let wrapped = false;
      if (page.frames.length === 0) {
        wrapped = true;
        page = await api.frames(id, direction > 0 ? {...query, after: 0, limit: 1} : {...query, before: Number.MAX_SAFE_INTEGER, limit: 1});
        if (mine !== searching) return;
      }
      const hit = page.frames[page.frames.length - 1];
      if (!hit) {
        fill(searchStatus, `No frame contains “${q}”.`);
        timeline.markedSeq = null;
        return;
      }
      timeline.markedSeq = hit.seq;
      await jumpTo(hit.seq, true);
      fill(searchStatus, `Match at #${hit.seq}${wrapped ? (direction > 0 ? ' (from the start)' : ' (from the end)') : ''}`);
    } catch (e) {
      fill(searchStatus, e.message);
    }
  }

  function setFollow(on) {
    timeline.follow = on;
    follow.setAttribute('aria-pressed', on ? 'true' : 'false');
    if (on) timeline.schedule();
  }

  function showTab() {
    const tab = params.tab || 'timeline';
    for (const [t, b] of Object.entries(tabButtons)) b.setAttribute('aria-selected', t === tab ? 'true' : 'false');
    timelinePane.hidden = tab !== 'timeline';
    handshakePane.hidden = tab !== 'handshake';
    chartsPane.hidden = tab !== 'charts';
    replayPane.hidden = tab !== 'replay';
    composePane.hidden = tab !== 'compose';
    if (tab === 'compose' && session && composeFor !== (params.resend ?? '')) {
      // Resend on a frame opens the composer with that frame; otherwise it starts empty.
      composeFor = params.resend ?? '';
      if (params.resend) {
        api.frame(id, Number(params.resend)).then(({frame}) => composePanel(composePane, session, frame))
            .catch(() => composePanel(composePane, session, null));
      } else {
        composePanel(composePane, session, null);
      }
    }
    if (tab === 'replay' && !replayShown && session) {
      replayShown = true;
      replayPanel(replayPane, session);
    }
    if (tab === 'charts' && !chartsShown) {
      chartsShown = true;
      const refresh = h('button', {type: 'button', class: 'ghost', id: 'charts-refresh'}, 'Refresh');
      const box = h('div');
      fill(chartsPane, h('div', {class: 'toolbar'}, refresh), box);
      const draw = async () => {
        charts.forEach(c => c.destroy());
        charts = await showCharts(box, id);
      };
      refresh.addEventListener('click', draw);
      draw();
    }
  }

  async function labelsForFilter() {
    try {
      const stats = await api.stats(id);
      fill(labels, stats.labels.map(l => h('option', {value: l.label}, `${l.count}`)));
    } catch {
      // the datalist is a convenience
    }
  }

  function live() {
    let refresh;
    feed = listen({
      frame: (sid, f) => {
        if (sid !== id || !timeline.source) return;
        session.frames = Math.max(session.frames, f.seq);
        if (timeline.source instanceof SeqSource) timeline.source.live(f);
        else timeline.source.live();
        timeline.message(null);
        showCount();
        clearTimeout(refresh);
        refresh = setTimeout(renderCounts, 500);
      },
      session: s => {
        if (s.id !== id) return;
        session = {...session, ...s};
        renderHead();
      },
      dropped: () => renderCounts(),
    }, id);
    async function renderCounts() {
      try {
        session = await api.session(id);
        renderHead();
        if (timeline.source instanceof SeqSource && session.frames > timeline.source.length) {
          timeline.source.length = session.frames;
          timeline.schedule();
        }
        showCount();
      } catch {
        // the next event tries again
      }
    }
  }

  setInputs();
  highlight();
  showTab();
  loadSession().then(ok => {
    if (!ok || destroyed) return;
    loadFrames(Number(params.frame) || null);
    labelsForFilter();
    live();
  });

  return {
    route(r) {
      if (r.page !== 'session' || r.id !== id) return false;
      const before = params;
      params = {...r.params};
      setInputs();
      highlight();
      if (FILTERS.some(k => (before[k] ?? '') !== (params[k] ?? ''))) loadFrames(Number(params.frame) || null);
      else if (params.frame && params.frame !== before.frame) jumpTo(Number(params.frame), detail.open);
      if ((before.tab ?? '') !== (params.tab ?? '')) showTab();
      return true;
    },
    key(e) {
      const k = e.key;
      const tab = params.tab || 'timeline';
      if (k === 'Escape') {
        if (detail.open) closeDetail();
        else location.hash = route.format({page: 'sessions', params: {}});
        return true;
      }
      if (tab !== 'timeline' || !session) return false;
      if (k === 'j' || k === 'ArrowDown') timeline.move(1);
      else if (k === 'k' || k === 'ArrowUp') timeline.move(-1);
      else if (k === 'PageDown' || k === ' ') timeline.move(timeline.pageRows());
      else if (k === 'PageUp') timeline.move(-timeline.pageRows());
      else if (k === 'g' || k === 'Home') timeline.move(-Infinity);
      else if (k === 'G' || k === 'End') timeline.move(Infinity);
      else if (k === 'Enter' && timeline.selectedSeq !== null) detail.show(id, timeline.selectedSeq, session.startedAtMicros);
      else if (k === '/') search.focus();
      else if (k === 'n') findMatch(1);
      else if (k === 'N') findMatch(-1);
      else if (k === 'f') setFollow(!timeline.follow);
      else return false;
      return true;
    },
    destroy() {
      destroyed = true;
      feed?.close();
      timeline.destroy();
      detail.hide();
      charts.forEach(c => c.destroy());
      clearTimeout(detailTimer);
      clearTimeout(typingTimer);
      clearTimeout(searchTimer);
    },
  };
}

function escapeRegex(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
