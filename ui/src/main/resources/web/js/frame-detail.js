// The frame detail pane: what the frame is, what the decoder made of it, its pair, and the payload as a decoded
// tree, pretty JSON, raw text (the search marked in both), hex and any image inside, each with a copy button; a
// splitter before it sets its size.
import {api} from './api.js';
import {h, fill, notice, copyButton} from './dom.js';
import * as fmt from './format.js';
import {jsonTree, longText} from './json-tree.js';
import {hexDump, bytesPerRow, utf8} from './hex.js';
import {findImages, fromBase64} from './image-preview.js';
import {Splitter} from './splitter.js';

/** The view the user last picked stays picked from frame to frame; until then an image, else the first. */
let lastTab = null;

export class FrameDetail {
  /** `jump(seq)` moves the timeline to another frame (the pair); `terms()` is what to mark in the text (the search). */
  constructor(container, {jump, close, terms}) {
    this.jump = jump;
    this.terms = terms ?? (() => []);
    this.urls = [];
    this.controller = null;
    this.body = h('div', {class: 'detail-body'});
    this.el = h('aside', {class: 'detail', id: 'detail', 'aria-label': 'Frame detail', hidden: true},
        h('button', {type: 'button', class: 'ghost close-detail', title: 'Close (Esc)', on: {click: close}}, '×'),
        this.body);
    container.append(this.el);
    this.splitter = new Splitter(container, this.el);
    this.splitter.el.hidden = true;
  }

  get open() {
    return !this.el.hidden;
  }

  hide() {
    this.el.hidden = true;
    this.splitter.el.hidden = true;
    this.release();
  }

  async show(sessionId, seq, startMicros) {
    this.sessionId = sessionId;
    this.controller?.abort();
    const controller = this.controller = new AbortController();
    this.el.hidden = false;
    this.splitter.el.hidden = false;
    this.splitter.apply();
    fill(this.body, notice('loading', `Loading frame ${seq}…`));
    try {
      const {frame, pair} = await api.frame(sessionId, seq, controller.signal);
      if (controller !== this.controller) return;
      this.release();
      fill(this.body, this.render(frame, pair, startMicros));
    } catch (e) {
      if (e.name !== 'AbortError') fill(this.body, notice('error', `Cannot show frame ${seq}`, e.message));
    }
  }

  release() {
    this.urls.forEach(u => URL.revokeObjectURL(u));
    this.urls = [];
  }

  render(f, pair, startMicros) {
    const facts = h('dl', {class: 'facts'},
        fact('Frame', `#${f.seq}`), fact('From', f.from === 'client' ? 'client → server' : 'server → client'),
        fact('Type', f.type + (f.fragments > 1 ? ` (${f.fragments} fragments)` : '')), fact('Size', fmt.bytes(f.size)),
        fact('Time', `${fmt.offset(f.timeMicros - startMicros)} s`, f.time),
        f.protocol ? fact('Protocol', f.protocol) : null,
        f.label ? fact('Label', f.label) : null, f.kind ? fact('Kind', f.kind) : null,
        f.latencyMs !== undefined && f.latencyMs !== null ? fact('Latency', fmt.millis(f.latencyMs)) : null,
        f.closeCode !== undefined ? fact('Close', `${f.closeCode}${f.closeReason ? ` ${f.closeReason}` : ''}`) : null,
        f.wire ? fact('On the wire', wire(f.wire)) : null,
        f.provenance ? fact('Provenance', fmt.provenance(f.provenance), 'origin and delivery, as recorded') : null,
        f.provenance?.originalText !== undefined ? fact('Original', f.provenance.originalText) : null,
        f.provenance?.originalBase64 !== undefined ? fact('Original (base64)', f.provenance.originalBase64) : null);
    return [
      h('h2', {class: 'detail-title'}, h('span', {class: `dir from-${f.from}`}, fmt.direction(f.from)), ' ',
          h('span', {class: 'label', id: 'detail-label'}, f.label ?? f.type), ' ', h('span', {class: 'muted'}, `#${f.seq}`)),
      f.summary ? h('p', {class: 'summary', id: 'detail-summary'}, f.summary) : null,
      f.warnings?.length ? h('ul', {class: 'warnings'}, f.warnings.map(w => h('li', null, '⚠ ', w))) : null,
      this.pairLink(f, pair),
      f.type === 'text' || f.type === 'binary'
          ? h('p', null, h('a', {class: 'button ghost small', id: 'detail-resend', title: 'Open this message in the composer',
            href: `#/sessions/${f.sessionId ?? this.sessionId}?tab=compose&resend=${f.seq}`}, 'Resend…')) : null,
      facts,
      this.views(f),
    ];
  }

  pairLink(f, pair) {
    if (!pair) return null;
    const answers = f.correlatesWith === pair.seq;
    const text = answers ? `Answers request #${pair.seq}` : `Answered by #${pair.seq}`;
    const latency = answers ? f.latencyMs : pair.latencyMs;
    return h('p', {class: 'pair'},
        h('button', {type: 'button', class: 'link', id: 'pair-link', on: {click: () => this.jump(pair.seq)}}, text),
        ` ${pair.label ?? ''}`, latency !== undefined && latency !== null ? ` · ${fmt.millis(latency)}` : '');
  }

  views(f) {
    const bytes = f.base64 ? fromBase64(f.base64) : f.text !== undefined ? utf8(f.text) : new Uint8Array();
    const views = [];
    if (f.decoded !== undefined && f.decoded !== null) {
      const json = JSON.stringify(f.decoded, null, 2);
      views.push({key: 'decoded', title: 'Decoded', copy: () => json, body: () => h('div', {class: 'tree'}, jsonTree(f.decoded))});
    }
    const parsed = parseJson(f.text);
    const terms = this.terms();
    if (parsed !== undefined) {
      const pretty = JSON.stringify(parsed, null, 2);
      views.push({key: 'json', title: 'JSON', copy: () => pretty, body: () => h('pre', {class: 'code'}, longText(pretty, '', x => x, terms))});
    }
    if (f.text !== undefined) {
      views.push({key: 'text', title: 'Text', copy: () => f.text, body: () => h('pre', {class: 'code wrap'}, longText(f.text, '', x => x, terms))});
    }
    views.push({key: 'hex', title: 'Hex', copy: () => hexDump(bytes), body: () => hexView(bytes)});
    const images = findImages(f);
    if (images.length) {
      views.push({key: 'image', title: images.length > 1 ? `Images (${images.length})` : 'Image', body: () => this.images(images)});
    }
    const chosen = views.find(v => v.key === lastTab) ?? views.find(v => v.key === 'image') ?? views[0];
    const tabs = h('div', {class: 'tabs', role: 'tablist'});
    const tools = h('div', {class: 'panel-tools'});
    const panel = h('div', {class: 'tab-panel', role: 'tabpanel'});
    const open = v => {
      for (const b of tabs.children) b.setAttribute('aria-selected', b.dataset.key === v.key ? 'true' : 'false');
      // The Copy button sits in the tabs' row, beside the views, never over the payload.
      fill(tools, v.copy ? copyButton('Copy', v.copy) : null);
      fill(panel, v.body());
    };
    for (const v of views) {
      tabs.append(h('button', {type: 'button', role: 'tab', 'data-key': v.key, class: 'tab',
        on: {click: () => { lastTab = v.key; open(v); }}}, v.title));
    }
    open(chosen);
    return [h('div', {class: 'view-bar'}, tabs, tools), panel, images.length ? h('p', {class: 'muted image-note', id: 'image-note'},
        `${images.length} image${images.length > 1 ? 's' : ''} inside: ${images.map(i => `${i.type} ${fmt.bytes(i.bytes.length)} at ${i.where}`).join(', ')}`) : null];
  }

  images(images) {
    return h('div', {class: 'images'}, images.map(img => {
      const url = URL.createObjectURL(new Blob([img.bytes], {type: img.type}));
      this.urls.push(url);
      return h('figure', null, h('img', {src: url, alt: `${img.type} at ${img.where}`, class: 'preview'}),
          h('figcaption', null, `${img.where} · ${img.type} · ${fmt.bytes(img.bytes.length)}`));
    }));
  }
}

/**
 * The hex dump as wide as the view lets it be: sixteen bytes a row, or eight or four when that would push the text
 * column out of sight; laid out again when the view's width changes (the window, the splitter).
 */
function hexView(bytes) {
  const pre = h('pre', {class: 'code hex'});
  let perRow = 0;
  const layout = () => {
    if (!pre.isConnected) return;
    const style = getComputedStyle(pre);
    const probe = document.createElement('canvas').getContext('2d');
    probe.font = `${style.fontSize} ${style.fontFamily}`;
    const charWidth = probe.measureText('0123456789abcdef').width / 16 || 8;
    const width = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const n = bytesPerRow(Math.floor(width / charWidth));
    if (n !== perRow) {
      perRow = n;
      pre.textContent = hexDump(bytes, n);
    }
  };
  pre.textContent = hexDump(bytes, 16);
  new ResizeObserver(layout).observe(pre);
  return pre;
}

function fact(name, value, title) {
  return [h('dt', null, name), h('dd', {title}, value)];
}

function wire(w) {
  const parts = [`opcode ${w.opcode}`, `${fmt.bytes(w.wireBytes)} on the wire`];
  if (w.compressed) parts.push('compressed');
  if (w.masked) parts.push('masked');
  if (w.rsv) parts.push(`rsv ${w.rsv}`);
  return parts.join(' · ');
}

function parseJson(text) {
  if (text === undefined) return undefined;
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
