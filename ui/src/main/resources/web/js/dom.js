// Building the page from data that came off the wire: every value goes in as text (textContent or an attribute),
// never as HTML, so a payload such as <img src=x onerror=alert(1)> shows as those characters.

/** An element: attributes (class, data-*, aria-*, …; `on` for listeners), then children (nodes or strings, as text). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'on') {
        for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
      } else if (name === 'class') {
        el.className = value;
      } else if (name in el && typeof value !== 'string') {
        el[name] = value;
      } else {
        el.setAttribute(name, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A notice for the empty, loading and error states. */
export function notice(kind, title, detail) {
  return h('div', {class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status'},
      h('strong', null, title), detail ? h('p', null, detail) : null);
}

/**
 * `text` as nodes in which every occurrence of a term (any case) is a <mark>: text nodes and elements, never HTML,
 * so a payload stays characters whatever it holds.
 */
export function highlighted(text, terms) {
  const wanted = (terms ?? []).filter(t => t);
  if (!text || wanted.length === 0) return [text ?? ''];
  const pattern = new RegExp(wanted.map(t => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
  const out = [];
  let at = 0;
  for (const m of text.matchAll(pattern)) {
    if (m[0] === '') continue;
    if (m.index > at) out.push(text.slice(at, m.index));
    out.push(h('mark', null, m[0]));
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** A button that copies `text()` to the clipboard and says so ("Copied", or why not) for a moment. */
export function copyButton(label, text) {
  const button = h('button', {type: 'button', class: 'ghost small copy', title: `Copy ${label.toLowerCase()}`, 'aria-live': 'polite'}, label);
  let timer;
  button.addEventListener('click', async () => {
    const ok = await copy(text());
    clearTimeout(timer);
    button.textContent = ok ? 'Copied' : 'Copy failed';
    button.classList.toggle('copied', ok);
    button.classList.toggle('copy-failed', !ok);
    timer = setTimeout(() => {
      button.textContent = label;
      button.classList.remove('copied', 'copy-failed');
    }, 1500);
  });
  return button;
}

/** Resolves with `promise`, or rejects after `ms`: a clipboard that never answers must not leave the button silent. */
function within(promise, ms) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), ms))]);
}

async function copy(text) {
  try {
    await within(navigator.clipboard.writeText(text), 1000);
    return true;
  } catch {
    // No clipboard API (an insecure origin, a denied permission): the old way through a selected text area.
    const area = h('textarea', {class: 'offscreen'});
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}
