// A JSON value as a tree of inputs: every leaf is an input (text, number, true/false, null), so that a held message is
// edited field by field; `value()` gives the edited JSON. Keys and values from the wire go in as text only.
import {h} from './dom.js';

/** An editor for `value`; `onInput()` after each change. */
export function jsonEditor(value, onInput) {
  let root = structuredClone(value);
  const el = h('div', {class: 'json-editor', id: 'json-editor'}, node(root, v => { root = v; }, '', onInput));
  return {el, value: () => root};
}

function node(value, set, path, onInput) {
  if (Array.isArray(value) || (value !== null && typeof value === 'object')) {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    return h('ul', {class: 'je-branch'}, entries.map(([k, v]) => h('li', null,
        h('span', {class: Array.isArray(value) ? 'j-index' : 'j-key'}, String(k)), h('span', {class: 'j-colon'}, ': '),
        node(v, nv => { value[k] = nv; }, `${path}/${k}`, onInput))));
  }
  const input = h('input', {type: 'text', class: `je-leaf j-${value === null ? 'null' : typeof value}`, 'data-pointer': path,
    'aria-label': path || 'value', size: Math.min(60, Math.max(6, String(value).length + 2)),
    value: typeof value === 'string' ? value : String(value)});
  input.addEventListener('input', () => {
    set(parseLike(value, input.value));
    onInput?.();
  });
  return input;
}

/** The input's text as the same kind of value it was: a number stays a number while it parses as one. */
function parseLike(original, text) {
  if (typeof original === 'number') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  if (typeof original === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (original === null) return text === 'null' ? null : text;
  return text;
}
