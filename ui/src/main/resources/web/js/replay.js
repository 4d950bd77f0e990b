// The Replay tab: the form that replays a session against an upstream (POST /api/sessions/{id}/replay), its result,
// the links between an original and its replays, and for a replay the side-by-side diff with its original.
import {api} from './api.js';
import {h, fill, notice} from './dom.js';
import * as fmt from './format.js';
import * as route from './route.js';

const DIFF_FRAMES = 1000;

/** Fills `pane` for session `session`; everything from the server goes in as text. */
export function replayPanel(pane, session) {
  const id = session.id;
  // The route's upstream as recorded: the replay sends the recorded path and query to it, as the proxy did (an
  // upstream with a path of its own gets the recorded path after it), so the path is not in this field.
  const target = `${session.path ?? '/'}${session.query ? `?${session.query}` : ''}`;
  const upstream = h('input', {type: 'text', id: 'replay-upstream', size: 48, 'aria-label': 'Upstream URL',
    value: session.upstream ?? '', title: `The recorded ${target} is added to it`});
  const speed = h('select', {id: 'replay-speed', 'aria-label': 'Speed'},
      [['max', 'as fast as answers come'], ['1', 'recorded pace (1×)'], ['10', '10× faster']].map(([v, t]) => h('option', {value: v}, t)));
  const set = area('replay-set', 'set: one PATH=VALUE a line, e.g. payload.token=…');
  const header = area('replay-header', 'header: one NAME=VALUE a line');
  const query = area('replay-query', 'query: one NAME=VALUE a line');
  const ignore = area('replay-ignore', 'ignore: one field pattern a line, e.g. payload.time');
  const run = h('button', {type: 'submit', id: 'replay-run'}, 'Replay');
  const result = h('div', {id: 'replay-result', 'aria-live': 'polite'});
  const form = h('form', {class: 'replay-form', id: 'replay-form', 'aria-label': 'Replay this session'},
      h('div', {class: 'toolbar'}, h('label', null, 'Upstream ', upstream), speed, run),
      h('p', {class: 'muted replay-target', id: 'replay-target'}, 'The replay asks it for the recorded ', h('code', null, target),
          ', as the proxy did (after the upstream\'s own path, if it has one).'),
      h('div', {class: 'replay-fields'}, set, header, query, ignore));
  const links = h('div', {class: 'replay-links', id: 'replay-links'});
  const diff = h('div', {class: 'replay-diff', id: 'replay-diff'});
  fill(pane, form, result, links, diff);

  form.addEventListener('submit', async e => {
    e.preventDefault();
    run.disabled = true;
    fill(result, notice('loading', 'Replaying…', `against ${upstream.value}`));
    try {
      const report = await api.replay(id, {upstream: upstream.value.trim(), speed: speed.value, set: pairs(set.value),
        header: pairs(header.value), query: pairs(query.value), ignore: lines(ignore.value)});
      fill(result, reportView(report));
      loadLinks();
    } catch (err) {
      const missing = err.body?.missing;
      fill(result, notice('error', err.status === 409 ? 'This inspector cannot replay' : 'The replay did not run', err.message),
          missing?.length ? h('ul', {class: 'replay-missing', id: 'replay-missing'}, missing.map(m => h('li', null, m))) : null);
    } finally {
      run.disabled = false;
    }
  });

  async function loadLinks() {
    try {
      const r = await api.replays(id);
      fill(links,
          r.replayOf !== null && r.replayOf !== undefined
              ? h('p', null, 'A replay of ', sessionLink(r.replayOf, 'session ' + r.replayOf)) : null,
          r.replays.length ? h('p', {id: 'replay-list'}, 'Replays: ', r.replays.map(rid => [sessionLink(rid, `#${rid}`), ' '])) : null);
      if (r.replayOf !== null && r.replayOf !== undefined && !diff.dataset.loaded) {
        diff.dataset.loaded = 'true';
        showDiff(diff, r.replayOf, id);
      }
    } catch (err) {
      fill(links, notice('error', 'Cannot load the replays', err.message));
    }
  }
  loadLinks();
}

function area(id, placeholder) {
  return h('textarea', {id, rows: 2, cols: 34, placeholder, 'aria-label': placeholder.split(':')[0], spellcheck: 'false'});
}

function lines(text) {
  return text.split('\n').map(l => l.trim()).filter(l => l);
}

function pairs(text) {
  const out = {};
  for (const l of lines(text)) {
    const i = l.indexOf('=');
    if (i > 0) out[l.slice(0, i).trim()] = l.slice(i + 1);
  }
  return out;
}

function sessionLink(sid, text) {
  return h('a', {href: route.format({page: 'session', id: sid, params: {tab: 'replay'}})}, text);
}

function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function summary(r) {
  const n = r.differences.length;
  return `${r.same ? 'No differences' : count(n, 'difference', 'differences')} · ${count(r.answersCompared, 'answer', 'answers')} and `
      + `${count(r.pushesCompared, 'push', 'pushes')} compared${r.ignored?.length ? ` · ignoring ${r.ignored.join(', ')}` : ''}`;
}

function reportView(r) {
  return h('div', {class: `notice ${r.same ? '' : 'notice-error'}`, id: 'replay-report', role: 'status'},
      h('strong', null, summary(r)),
      h('p', null, 'Recorded as ', sessionLink(r.replay, `session ${r.replay}`), ' — open it for the side-by-side diff.'),
      r.notes?.length ? h('ul', null, r.notes.map(n => h('li', null, n))) : null);
}

async function showDiff(box, originalId, replayId) {
  fill(box, notice('loading', 'Comparing with the original…'));
  let d, left, right;
  try {
    [d, left, right] = await Promise.all([api.diff(replayId), api.frames(originalId, {limit: DIFF_FRAMES}),
      api.frames(replayId, {limit: DIFF_FRAMES})]);
  } catch (err) {
    fill(box, notice('error', 'Cannot compare with the original', err.message));
    return;
  }
  const columns = h('div', {class: 'diff-columns'},
      column('diff-original', `Original · session ${originalId}`, left.frames),
      column('diff-replay', `Replay · session ${replayId}`, right.frames));
  const list = h('ol', {class: 'diff-list', id: 'diff-list'}, d.differences.map(x => h('li', null,
      h('button', {type: 'button', class: 'link diff-item', on: {click: () => select(columns, x)}},
          `${x.kind} · ${x.where}${x.label ? ` · ${x.label}` : ''}`
          + ` · #${x.recordedSeq ?? '–'} ↔ #${x.replaySeq ?? '–'}`),
      x.text ? h('pre', {class: 'diff-text'}, x.text) : null)));
  fill(box, h('p', {id: 'diff-summary'}, h('strong', null, summary(d))), d.differences.length ? list : null, columns);
  const mark = (col, seq) => col.querySelector(`[data-seq="${seq}"]`)?.classList.add('differs');
  for (const x of d.differences) {
    if (x.recordedSeq !== null && x.recordedSeq !== undefined) mark(columns.children[0], x.recordedSeq);
    if (x.replaySeq !== null && x.replaySeq !== undefined) mark(columns.children[1], x.replaySeq);
  }
}

function column(id, title, frames) {
  return h('div', {class: 'diff-column', id},
      h('div', {class: 'diff-head'}, title, frames.length >= DIFF_FRAMES ? ` (first ${DIFF_FRAMES} frames)` : ''),
      h('div', {class: 'diff-rows'}, frames.map(f => h('div', {class: `tl-row from-${f.from}`, 'data-seq': String(f.seq)},
          h('span', {class: 'c-seq num'}, String(f.seq)), h('span', {class: 'c-dir'}, fmt.direction(f.from)),
          h('span', {class: 'c-label'}, f.label ?? ''), h('span', {class: 'c-summary', title: f.summary ?? ''}, f.summary ?? '')))));
}

function select(columns, x) {
  for (const el of columns.querySelectorAll('.selected')) el.classList.remove('selected');
  for (const [col, seq] of [[columns.children[0], x.recordedSeq], [columns.children[1], x.replaySeq]]) {
    if (seq === null || seq === undefined) continue;
    const row = col.querySelector(`[data-seq="${seq}"]`);
    if (row) {
      row.classList.add('selected');
      row.scrollIntoView({block: 'center'});
    }
  }
}
