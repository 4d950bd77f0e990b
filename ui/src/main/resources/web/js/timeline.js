// The timeline: a virtualised list of fixed-height rows. Only the rows on screen exist in the DOM (a pool reused as
// it scrolls, in a layer that sticks to the top of the scroller); a spacer below gives the scrollbar its length. Past what a browser lets an element be tall, the scrollbar
// maps onto the rows proportionally, so a million frames scroll like a thousand.
import {h, highlighted} from './dom.js';
import * as fmt from './format.js';

export const ROW = 24;
const MAX_SPACER = 8_000_000;
/** Where the choice between time since the handshake and clock time is remembered. */
const CLOCK = 'sockscope.timeline.clock';

export const COLUMNS = [
  {key: 'seq', title: '#', cls: 'num'},
  {key: 'offset', title: 'Time', cls: 'num narrow-hide'},
  {key: 'dir', title: '', cls: 'dir'},
  {key: 'type', title: 'Type', cls: 'narrow-hide'},
  {key: 'label', title: 'Label'},
  {key: 'kind', title: 'Kind', cls: 'narrow-hide'},
  {key: 'summary', title: 'Summary'},
  {key: 'size', title: 'Size', cls: 'num narrow-hide'},
  {key: 'latency', title: 'Latency', cls: 'num'},
  {key: 'warn', title: '⚠', cls: 'warn'},
];

export class Timeline {
  /** `onSelect(frame)` when the keys move the selection, `onOpen(frame)` when a row is clicked. */
  constructor(container, {onSelect, onOpen}) {
    this.onSelect = onSelect;
    this.onOpen = onOpen;
    this.source = null;
    this.startMicros = 0;
    this.selectedSeq = null;
    this.markedSeq = null;
    /** Text to mark in the rows' labels and summaries (the search). */
    this.terms = [];
    this.follow = false;
    this.clock = localStorage.getItem(CLOCK) === 'true';
    this.pool = [];
    this.timeHead = h('button', {type: 'button', class: 'link time-mode', on: {click: () => this.setClock(!this.clock)}});
    this.head = h('div', {class: 'tl-row tl-head', role: 'row'},
        COLUMNS.map(c => h('span', {class: `c-${c.key} ${c.cls ?? ''}`, role: 'columnheader'}, c.key === 'offset' ? this.timeHead : c.title)));
    this.spacer = h('div', {class: 'tl-spacer'});
    this.layer = h('div', {class: 'tl-rows'});
    this.scroller = h('div', {class: 'tl-scroller', tabindex: '0', role: 'rowgroup', 'aria-label': 'Frames'}, this.layer, this.spacer);
    this.empty = h('div', {class: 'tl-empty', hidden: true});
    this.el = h('div', {class: 'timeline', id: 'timeline', role: 'grid'}, this.head, this.scroller, this.empty);
    container.append(this.el);
    this.setClock(this.clock);
    this.scroller.addEventListener('scroll', () => this.schedule());
    this.layer.addEventListener('click', e => this.clicked(e));
    new ResizeObserver(() => this.resize()).observe(this.scroller);
  }

  /** Times as the local clock shows them (10:29:48.344565) or since the handshake (+0.001234); remembered. */
  setClock(on) {
    this.clock = on;
    localStorage.setItem(CLOCK, on ? 'true' : 'false');
    this.el.classList.toggle('clock', on);
    this.timeHead.textContent = on ? 'Clock' : 'Time';
    this.timeHead.title = on ? 'Local clock time; click for the time since the handshake'
        : 'Seconds since the handshake; click for the local clock time';
    this.schedule();
  }

  setSource(source, startMicros) {
    this.source?.destroy();
    this.source = source;
    this.startMicros = startMicros;
    source.onChange = () => this.schedule();
    source.onShift = n => {
      // Rows were added or let go above: keep the same frames under the eye.
      this.scroller.scrollTop += n * ROW * this.ratio();
      this.schedule();
    };
    this.scroller.scrollTop = 0;
    this.schedule();
  }

  /** Shows a message instead of rows (no frames, no match, an error), or nothing. */
  message(node) {
    this.empty.replaceChildren(...(node ? [node] : []));
    this.empty.hidden = !node;
  }

  resize() {
    const visible = Math.ceil(this.scroller.clientHeight / ROW) + 1;
    while (this.pool.length < visible) {
      const row = h('div', {class: 'tl-row', role: 'row'}, COLUMNS.map(c => h('span', {class: `c-${c.key} ${c.cls ?? ''}`})));
      this.pool.push(row);
      this.layer.append(row);
    }
    while (this.pool.length > visible) this.pool.pop().remove();
    this.schedule();
  }

  /** Scrollbar pixels per row pixel: 1 until the rows outgrow the spacer. */
  ratio() {
    const total = (this.source?.length ?? 0) * ROW;
    const view = this.scroller.clientHeight;
    return total <= MAX_SPACER ? 1 : (MAX_SPACER - view) / (total - view);
  }

  /** Where the top of the screen is, in row pixels. */
  top() {
    return this.scroller.scrollTop / this.ratio();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.render();
    });
  }

  render() {
    const source = this.source;
    if (!source) return;
    const n = source.length;
    const view = this.scroller.clientHeight;
    this.spacer.style.height = `${Math.max(0, Math.min(n * ROW, MAX_SPACER) - view)}px`;
    if (this.follow && n > 0) this.scroller.scrollTop = this.scroller.scrollHeight;
    const top = this.top();
    const first = Math.max(0, Math.floor(top / ROW));
    const shift = top - first * ROW;
    this.layer.style.height = `${view}px`;
    this.el.setAttribute('aria-rowcount', String(n));
    source.want(first, first + this.pool.length);
    this.pool.forEach((row, k) => {
      const i = first + k;
      row.style.transform = `translateY(${k * ROW - shift}px)`;
      if (i >= n) {
        row.hidden = true;
        row.dataset.seq = '';
        delete row.dataset.index;
        return;
      }
      row.hidden = false;
      this.paint(row, source.get(i), i);
    });
  }

  paint(row, f, i) {
    const cells = row.children;
    row.dataset.index = String(i);
    if (!f) {
      row.className = 'tl-row loading';
      row.dataset.seq = '';
      for (const c of cells) c.textContent = '';
      cells[0].textContent = this.source.ready(i) ? '' : '…';
      return;
    }
    row.dataset.seq = String(f.seq);
    row.className = `tl-row from-${f.from} kind-${f.kind ?? 'none'} type-${f.type}`
        + (f.seq === this.selectedSeq ? ' selected' : '') + (f.seq === this.markedSeq ? ' marked' : '')
        + (f.warnings?.length ? ' warned' : '') + (f.provenance ? ` touched touch-${fmt.touch(f.provenance)}` : '');
    row.setAttribute('aria-selected', f.seq === this.selectedSeq ? 'true' : 'false');
    cells[0].textContent = String(f.seq);
    const since = `${fmt.offset(f.timeMicros - this.startMicros)} s since the handshake`;
    cells[1].textContent = this.clock ? fmt.clock(f.timeMicros) : fmt.offset(f.timeMicros - this.startMicros);
    cells[1].title = this.clock ? since : `${fmt.clock(f.timeMicros)} (${f.time})`;
    cells[2].textContent = fmt.direction(f.from);
    cells[2].title = f.from === 'client' ? 'client → server' : 'server → client';
    cells[3].textContent = f.provenance ? `${f.type} · ${fmt.touch(f.provenance)}` : f.type;
    cells[3].title = f.provenance ? fmt.provenance(f.provenance) : '';
    cells[4].replaceChildren(...highlighted(f.label ?? '', this.terms));
    cells[4].title = f.label ?? '';
    cells[5].textContent = f.kind ?? '';
    const summary = f.summary ?? (f.type === 'close' ? `${f.closeCode ?? ''} ${f.closeReason ?? ''}` : '');
    cells[6].replaceChildren(...highlighted(summary, this.terms));
    cells[6].title = summary;
    cells[7].textContent = fmt.bytes(f.size);
    cells[8].textContent = f.latencyMs === undefined || f.latencyMs === null ? '' : fmt.millis(f.latencyMs);
    cells[9].textContent = f.warnings?.length ? '⚠' : '';
    cells[9].title = (f.warnings ?? []).join('\n');
  }

  clicked(e) {
    const row = e.target.closest('.tl-row');
    if (!row || row.dataset.index === undefined) return;
    const f = this.source.get(Number(row.dataset.index));
    if (!f) return;
    this.follow = false;
    this.selectSeq(f.seq, false);
    this.onOpen(f);
  }

  selectedIndex() {
    return this.selectedSeq === null ? -1 : this.source.indexOfLoaded(this.selectedSeq);
  }

  /** Marks `seq` selected (and scrolls it into view when asked); the detail is the page's business. */
  selectSeq(seq, scroll) {
    this.selectedSeq = seq;
    if (scroll) {
      const i = this.source.indexOfLoaded(seq);
      if (i >= 0) this.reveal(i);
    }
    this.schedule();
  }

  /** Moves the selection by `delta` rows (j/k, PgDn/PgUp), stopping at the ends. */
  move(delta) {
    const n = this.source.length;
    if (n === 0) return;
    let i = this.selectedIndex();
    if (i < 0) i = delta > 0 ? Math.floor(this.top() / ROW) - 1 : Math.ceil((this.top() + this.scroller.clientHeight) / ROW);
    const target = Math.max(0, Math.min(n - 1, i + delta));
    this.follow = false;
    this.reveal(target);
    const f = this.source.get(target);
    if (f) {
      this.selectSeq(f.seq, false);
      this.onSelect(f);
    } else {
      // Not fetched yet: select it once its page is in.
      const wait = this.source.onChange;
      this.source.onChange = () => {
        wait();
        const g = this.source.get(target);
        if (g) {
          this.source.onChange = wait;
          this.selectSeq(g.seq, false);
          this.onSelect(g);
        }
      };
    }
  }

  pageRows() {
    return Math.max(1, Math.floor(this.scroller.clientHeight / ROW) - 1);
  }

  /** Scrolls so that row i is on screen, leaving the screen alone when it already is. */
  reveal(i) {
    const view = this.scroller.clientHeight;
    const top = this.top();
    const y = i * ROW;
    let target = top;
    if (y < top) target = y;
    else if (y + ROW > top + view) target = y + ROW - view;
    else return;
    this.scroller.scrollTop = target * this.ratio();
    this.render();
  }

  /** Puts row i near the middle of the screen (a jump: search, a link, the pair). */
  centre(i) {
    this.scroller.scrollTop = Math.max(0, i * ROW - this.scroller.clientHeight / 2) * this.ratio();
    this.render();
  }

  atEnd() {
    return this.scroller.scrollTop + this.scroller.clientHeight >= this.scroller.scrollHeight - ROW;
  }

  focus() {
    this.scroller.focus({preventScroll: true});
  }

  destroy() {
    this.source?.destroy();
    cancelAnimationFrame(this.frame);
  }
}
