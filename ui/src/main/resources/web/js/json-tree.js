// A JSON value as a collapsible tree of DOM nodes (every key and value as text).
import {h, highlighted} from './dom.js';

const LONG = 400;

/** Branches deeper than `open` levels start folded. */
export function jsonTree(value, open = 3, depth = 0) {
  if (value === null) return h('span', {class: 'j-null'}, 'null');
  if (Array.isArray(value)) return branch(value.map((v, i) => [i, v]), `[${value.length}]`, open, depth, true);
  if (typeof value === 'object') return branch(Object.entries(value), `{${Object.keys(value).length}}`, open, depth, false);
  if (typeof value === 'string') return longText(value, 'j-string', JSON.stringify);
  return h('span', {class: `j-${typeof value}`}, String(value));
}

function branch(entries, size, open, depth, array) {
  if (entries.length === 0) return h('span', {class: 'j-empty'}, array ? '[]' : '{}');
  return h('details', {class: 'j-branch', open: depth < open},
      h('summary', null, h('span', {class: 'j-size'}, size)),
      h('ul', null, entries.map(([k, v]) => h('li', null,
          h('span', {class: array ? 'j-index' : 'j-key'}, array ? String(k) : k), h('span', {class: 'j-colon'}, ': '),
          jsonTree(v, open, depth + 1)))));
}

/**
 * A string, cut when long (a base64 image is hundreds of thousands of characters), with a way to see it all; the
 * `terms` in it (the search) marked.
 */
export function longText(s, cls, show = x => x, terms = []) {
  if (s.length <= LONG) return h('span', {class: cls}, highlighted(show(s), terms));
  const span = h('span', {class: cls}, highlighted(show(s.slice(0, LONG)), terms), '…');
  const more = h('button', {type: 'button', class: 'ghost small'}, `+${(s.length - LONG).toLocaleString()} characters`);
  more.addEventListener('click', () => {
    span.replaceChildren(...highlighted(show(s), terms));
    more.remove();
  });
  return h('span', null, span, ' ', more);
}
