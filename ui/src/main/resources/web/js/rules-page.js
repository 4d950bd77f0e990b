// The Rules page: the rules of the running proxy (GET /api/rules, polled), each with its counters and an on/off
// switch, the last load error, and the rules text to edit and apply (PUT /api/rules). Everything goes in as text.
import {api} from './api.js';
import {h, fill, notice} from './dom.js';

const POLL_MS = 1000;

export function rulesPage(view) {
  document.title = 'Rules · Sockscope';
  const status = h('div', {id: 'rules-status', 'aria-live': 'polite'});
  const error = h('div', {id: 'rules-error'});
  const facts = h('p', {class: 'muted', id: 'rules-facts'});
  const body = h('tbody', {id: 'rules-body'});
  const table = h('table', {class: 'rules-table', id: 'rules-table'},
      h('thead', null, h('tr', null, ['On', 'Rule', 'File', 'Actions', 'Matched', 'Taken'].map(t => h('th', null, t)))), body);
  const text = h('textarea', {id: 'rules-text', rows: 16, cols: 90, spellcheck: 'false', 'aria-label': 'Rules text'});
  const apply = h('button', {type: 'button', id: 'rules-apply'}, 'Apply');
  fill(view, h('section', {class: 'page rules-page'}, h('h1', null, 'Rules'),
      h('p', {class: 'muted'}, 'Rules from --rules FILE act on the live messages (docs/rules.md). The file is reloaded when it changes.'),
      facts, error, status, table, h('h2', null, 'Edit'), text, h('div', null, apply)));

  let timer = null;
  let stopped = false;
  let edited = false;
  text.addEventListener('input', () => { edited = true; });

  apply.addEventListener('click', async () => {
    try {
      await api.replaceRules(text.value);
      edited = false;
      fill(status, notice('ok', 'Rules applied'));
      refresh();
    } catch (err) {
      fill(status, notice('error', 'The rules were not applied', err.message));
    }
  });

  async function refresh() {
    clearTimeout(timer);
    try {
      const state = await api.rules();
      if (stopped) return;
      fill(facts, `Seed ${state.seed}`, state.files.length ? ` · ${state.files.join(', ')}` : ' · no file (edits are kept in memory)');
      fill(error, state.lastError ? notice('error', 'The last reload or edit was refused; the rules before it still run', state.lastError) : null);
      fill(body, state.rules.length ? state.rules.map(row) : h('tr', null, h('td', {colspan: 6, class: 'muted'}, 'No rules.')));
      if (!edited && document.activeElement !== text) text.value = state.text;
    } catch (err) {
      fill(status, notice('error', 'Cannot read the rules', err.message));
    }
    if (!stopped) timer = setTimeout(refresh, POLL_MS);
  }

  function row(r) {
    const toggle = h('input', {type: 'checkbox', checked: r.enabled, id: `rule-on-${r.name}`, 'aria-label': `Rule ${r.name} on`});
    toggle.addEventListener('change', async () => {
      try {
        await api.enableRule(r.name, toggle.checked);
      } catch (err) {
        fill(status, notice('error', `Cannot switch ${r.name}`, err.message));
      }
      refresh();
    });
    const taken = Object.entries(r.taken).map(([k, v]) => `${k} ${v}`).join(', ');
    return h('tr', {'data-rule': r.name}, h('td', null, toggle), h('td', null, r.name), h('td', null, `${r.file}:${r.line}`),
        h('td', null, r.actions.join(', ')), h('td', {class: 'num'}, String(r.matched)), h('td', null, taken || '–'));
  }

  refresh();
  return {
    route: r => r.page === 'rules',
    key: () => false,
    destroy() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
