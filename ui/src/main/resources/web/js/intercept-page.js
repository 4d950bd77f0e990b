// The Intercept page: breakpoints on live traffic and the messages they hold, oldest first (GET /api/intercept,
// polled). Each held message shows its decoded tree and the choices: forward, edit and forward (text, JSON editor, or
// hex for binary), drop, close the session with a code and reason. Everything from the wire goes in as text.
import {api} from './api.js';
import {h, fill, notice} from './dom.js';
import {jsonTree} from './json-tree.js';
import {jsonEditor} from './json-editor.js';
import * as hex from './hex-edit.js';

const POLL_MS = 1000;

export function interceptPage(view) {
  document.title = 'Intercept · Sockscope';
  const status = h('div', {id: 'intercept-status', 'aria-live': 'polite'});
  const field = (name, label, attrs) => h('label', null, `${label} `, h('input', {type: 'text', id: `bp-${name}`, name, size: 10, ...attrs}));
  const form = h('form', {class: 'bp-form', id: 'bp-form', 'aria-label': 'Set a breakpoint'},
      field('session', 'Session', {size: 5}),
      h('label', null, 'From ', h('select', {id: 'bp-direction', name: 'direction'},
          [['', 'either'], ['client', 'client'], ['server', 'server']].map(([v, t]) => h('option', {value: v}, t)))),
      h('label', null, 'Type ', h('select', {id: 'bp-type', name: 'type'},
          [['', 'any'], ['text', 'text'], ['binary', 'binary']].map(([v, t]) => h('option', {value: v}, t)))),
      field('route', 'Route'), field('protocol', 'Protocol'), field('label', 'Label'), field('kind', 'Kind'),
      field('text', 'Text'), field('regex', 'Regex'), field('pointer', 'JSON pointer', {placeholder: '/opcode'}),
      field('value', '='),
      h('label', null, h('input', {type: 'checkbox', id: 'bp-pings', name: 'pings'}), ' pings too'),
      h('button', {type: 'submit', id: 'bp-set'}, 'Set breakpoint'));
  const breakpoints = h('ul', {class: 'breakpoints', id: 'breakpoints'});
  const held = h('div', {class: 'held-list', id: 'held'});
  fill(view, h('section', {class: 'page intercept-page'}, h('h1', null, 'Intercept'),
      h('p', {class: 'muted'}, 'A message that matches a breakpoint waits here; its direction of its session waits behind it, the other keeps flowing.'),
      form, status, h('h2', null, 'Breakpoints'), breakpoints, h('h2', null, 'Held messages'), held));

  form.addEventListener('submit', async e => {
    e.preventDefault();
    const body = {};
    for (const el of form.querySelectorAll('input[type=text], select')) {
      if (el.value.trim() !== '') body[el.name] = el.name === 'session' ? Number(el.value) : el.value.trim();
    }
    if (form.querySelector('#bp-pings').checked) body.pings = true;
    try {
      const r = await api.addBreakpoint(body);
      fill(status, notice('ok', `Breakpoint ${r.id} set`));
      refresh();
    } catch (err) {
      fill(status, notice('error', 'The breakpoint was not set', err.message));
    }
  });

  const cards = new Map();
  let timer = null;
  let stopped = false;

  async function refresh() {
    clearTimeout(timer);
    try {
      const state = await api.intercept();
      if (stopped) return;
      fill(breakpoints, state.breakpoints.length ? state.breakpoints.map(breakpointItem) : h('li', {class: 'muted'}, 'None set.'));
      const ids = new Set(state.held.map(m => m.id));
      for (const [id, card] of cards) {
        if (!ids.has(id)) {
          card.el.remove();
          cards.delete(id);
        }
      }
      for (const m of state.held) {
        const card = cards.get(m.id) ?? heldCard(m, refresh, status);
        cards.set(m.id, card);
        card.update(m);
        held.append(card.el); // oldest first: the server's order
      }
      if (state.held.length === 0) fill(held, h('p', {class: 'muted', id: 'held-none'}, 'Nothing is held.'));
      else held.querySelector('#held-none')?.remove();
    } catch (err) {
      fill(status, notice('error', 'Cannot read the intercept state', err.message));
    }
    if (!stopped) timer = setTimeout(refresh, POLL_MS);
  }

  function breakpointItem(b) {
    const conditions = Object.entries(b).filter(([k]) => k !== 'id' && !(k === 'pings' && !b.pings))
        .map(([k, v]) => `${k} ${v}`).join(', ');
    return h('li', {'data-id': b.id}, h('span', null, `#${b.id} `, conditions || 'every data message'), ' ',
        h('button', {type: 'button', class: 'ghost small', id: `bp-remove-${b.id}`, on: {click: async () => {
          await api.removeBreakpoint(b.id).catch(err => fill(status, notice('error', 'Cannot remove it', err.message)));
          refresh();
        }}}, 'Remove'));
  }

  refresh();
  return {
    route: r => r.page === 'intercept',
    key: () => false,
    destroy() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** One held message: what it is, its tree, and what to do with it. */
function heldCard(m, refresh, status) {
  const facts = h('div', {class: 'held-facts'});
  const view = h('div', {class: 'held-view'});
  const editor = h('div', {class: 'held-editor', hidden: true});
  const code = h('input', {type: 'number', class: 'held-code', value: '1011', min: 1000, max: 4999, 'aria-label': 'Close code'});
  const reason = h('input', {type: 'text', class: 'held-reason', value: '', size: 16, placeholder: 'reason', 'aria-label': 'Close reason'});
  let edit = null;
  const act = async (body) => {
    await edit?.stopLabels(); // a label asked, or answered, after the release would ask about a message that is gone
    try {
      await api.release(m.id, body);
      refresh();
    } catch (err) {
      fill(status, notice('error', `Message ${m.id} was not released`, err.message));
    }
  };
  const el = h('article', {class: 'held', id: `held-${m.id}`, 'data-id': m.id}, facts, view, editor,
      h('div', {class: 'toolbar held-actions'},
          h('button', {type: 'button', class: 'held-forward', on: {click: () => act(edit ? edit.body() : {action: 'forward'})}}, 'Forward'),
          h('button', {type: 'button', class: 'ghost held-edit', on: {click: () => {
            edit = edit ?? openEditor(m, editor);
            editor.hidden = false;
          }}}, 'Edit…'),
          h('button', {type: 'button', class: 'ghost held-drop', on: {click: () => act({action: 'drop'})}}, 'Drop'),
          h('span', {class: 'held-close'}, code, reason,
              h('button', {type: 'button', class: 'ghost held-close-button', on: {click: () => act({action: 'close', code: Number(code.value), reason: reason.value})}},
                  'Close session'))));
  fill(view, payloadView(m));
  return {
    el,
    update(now) {
      fill(facts, h('strong', null, now.label ?? now.type), ' ',
          h('span', {class: 'muted'}, `session ${now.session} · from ${now.direction} · ${now.why} · held since ${now.heldAt}`),
          now.queuedBehind ? h('span', {class: 'queued'}, ` · ${now.queuedBehind} waiting behind it`) : null,
          ' ', h('a', {href: `#/sessions/${now.session}`}, 'session'));
    },
  };
}

function payloadView(m) {
  if (m.text !== undefined) {
    try {
      return jsonTree(JSON.parse(m.text));
    } catch {
      return h('pre', {class: 'payload-text'}, m.text);
    }
  }
  return h('pre', {class: 'payload-hex'}, hex.format(hex.decode64(m.base64)));
}

/** The editor of a held message: text and JSON tree for text, hex for binary; `body()` is what Forward sends. */
function openEditor(m, box) {
  const editor = openEditorBody(m, box);
  // The decoded label follows the edit as it is typed (asked of the decoders, a moment after the last key).
  const label = h('p', {class: 'held-live-label muted'}, 'Label: ', h('strong', {class: 'held-label-value'}, m.label ?? m.type));
  box.prepend(label);
  let timer = null;
  let stopped = false;
  // Answers can come back out of order (a slow first decode): only the latest ask may set the label.
  let asked = 0;
  // The asks under way: a release waits for them, or one answered after it would ask about a message that is gone.
  const pending = new Set();
  box.addEventListener('input', () => {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(async () => {
      const ask = ++asked;
      let text;
      let answer = null;
      try {
        const {action, ...payload} = editor.body();
        answer = api.heldLabel(m.id, payload);
        pending.add(answer);
        const r = await answer;
        text = r.label ?? '(no label)';
      } catch {
        text = '(not decodable as typed)';
      } finally {
        pending.delete(answer);
      }
      if (ask === asked && !stopped) {
        label.querySelector('.held-label-value').textContent = text;
      }
    }, 250);
  });
  /** Asks nothing more; resolves once the asks under way are answered. */
  editor.stopLabels = () => {
    stopped = true;
    clearTimeout(timer);
    return Promise.allSettled([...pending]);
  };
  return editor;
}

function openEditorBody(m, box) {
  if (m.text === undefined) {
    const area = h('textarea', {class: 'held-hex', rows: 6, cols: 60, spellcheck: 'false', 'aria-label': 'Bytes in hex'},
        hex.format(hex.decode64(m.base64)));
    fill(box, h('p', {class: 'muted'}, 'Bytes in hex (spaces and line breaks are ignored):'), area);
    return {body: () => ({action: 'forward', base64: hex.encode64(hex.parse(area.value))})};
  }
  const area = h('textarea', {class: 'held-text', rows: 6, cols: 60, spellcheck: 'false', 'aria-label': 'Text to send'}, m.text);
  let json = null;
  try {
    json = JSON.parse(m.text);
  } catch {
    json = null;
  }
  let mode = json !== null && typeof json === 'object' ? 'json' : 'text';
  const tree = json !== null && typeof json === 'object' ? jsonEditor(json, () => { area.value = JSON.stringify(tree.value()); }) : null;
  const textPane = h('div', {class: 'held-text-pane', hidden: mode !== 'text'}, area);
  const jsonPane = h('div', {class: 'held-json-pane', hidden: mode !== 'json'}, tree?.el);
  const tab = (name, label) => h('button', {type: 'button', class: `tab held-tab-${name}`, on: {click: () => {
    mode = name;
    textPane.hidden = name !== 'text';
    jsonPane.hidden = name !== 'json';
  }}}, label);
  fill(box, h('div', {class: 'tabs'}, tab('text', 'Text'), tree ? tab('json', 'JSON') : null), textPane, jsonPane);
  return {body: () => ({action: 'forward', text: mode === 'json' ? JSON.stringify(tree.value()) : area.value})};
}
