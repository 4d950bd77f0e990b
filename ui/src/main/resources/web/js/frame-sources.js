// Where the timeline's rows come from. Both keep only a window of a session's frames in memory and fetch pages by
// cursor (the API's after/before), so a session of a million frames costs what is on screen and around it.
import {api} from './api.js';

const BLOCK = 200;
const MAX_BLOCKS = 100;

/**
 * Every frame of a session, row i being seq i + 1 (a session numbers its frames 1, 2, … in order), so the
 * scrollbar can jump anywhere at once: the block of rows under it is one page, after = its first seq - 1.
 */
export class SeqSource {
  constructor(sessionId, length) {
    this.sessionId = sessionId;
    this.length = length;
    this.blocks = new Map(); // block number → {rows: frame[], controller, done}
    this.onChange = () => {};
    this.onShift = () => {};
    this.onError = () => {};
  }

  get(i) {
    return this.blocks.get(Math.floor(i / BLOCK))?.rows[i % BLOCK];
  }

  /** Whether row i is fetched (false: still loading). */
  ready(i) {
    return this.blocks.get(Math.floor(i / BLOCK))?.done === true;
  }

  want(first, last) {
    const from = Math.floor(Math.max(0, first) / BLOCK);
    const to = Math.floor(Math.max(0, Math.min(last, this.length - 1)) / BLOCK);
    for (const [n, b] of this.blocks) {
      if (!b.done && (n < from - 1 || n > to + 1)) {
        b.controller.abort(); // scrolled past before it came: not worth waiting for
        this.blocks.delete(n);
      }
    }
    for (let n = from; n <= to; n++) {
      if (!this.blocks.has(n)) this.fetch(n);
    }
    this.evict(from, to);
  }

  fetch(n) {
    const block = {rows: [], controller: new AbortController(), done: false};
    this.blocks.set(n, block);
    api.frames(this.sessionId, {after: n * BLOCK, limit: BLOCK}, block.controller.signal).then(page => {
      for (const f of page.frames) {
        const i = f.seq - 1 - n * BLOCK;
        if (i >= 0 && i < BLOCK) block.rows[i] = f;
      }
      block.done = true;
      this.onChange();
    }, e => {
      if (e.name === 'AbortError') return;
      this.blocks.delete(n);
      this.onError(e);
    });
  }

  evict(from, to) {
    if (this.blocks.size <= MAX_BLOCKS) return;
    const far = [...this.blocks.keys()].sort((a, b) => distance(b, from, to) - distance(a, from, to));
    for (const n of far.slice(0, this.blocks.size - MAX_BLOCKS)) {
      this.blocks.get(n).controller.abort();
      this.blocks.delete(n);
    }
  }

  indexOfLoaded(seq) {
    return seq >= 1 && seq <= this.length ? seq - 1 : -1;
  }

  async locate(seq) {
    return this.indexOfLoaded(seq);
  }

  /** A frame the live feed announced. */
  live(frame) {
    const i = frame.seq - 1;
    const block = this.blocks.get(Math.floor(i / BLOCK));
    if (block) block.rows[i % BLOCK] = frame;
    if (frame.seq > this.length) this.length = frame.seq;
    this.onChange();
  }

  destroy() {
    for (const b of this.blocks.values()) b.controller.abort();
  }
}

function distance(n, from, to) {
  return n < from ? from - n : n > to ? n - to : 0;
}

const PAGE = 200;
const MAX_ROWS = 20_000;
const MARGIN = 60;

/**
 * The frames that match a filter: the server filters, pages come by cursor as the list nears either end of what
 * is loaded, and rows far from the screen are let go again (their cursors kept), so memory stays bounded.
 */
export class MatchSource {
  constructor(sessionId, filter) {
    this.sessionId = sessionId;
    this.filter = filter;
    this.rows = [];
    this.next = null; // after this seq come more matches (null: none yet)
    this.prev = null; // before this seq come more matches (null: none)
    this.busy = null;
    this.controller = new AbortController();
    this.onChange = () => {};
    this.onShift = () => {};
    this.onError = () => {};
  }

  get length() {
    return this.rows.length;
  }

  get(i) {
    return this.rows[i];
  }

  ready() {
    return true;
  }

  /** Loads the first page, or the matches around `seq` (a frame named in the address). */
  async start(seq) {
    this.controller.abort();
    this.controller = new AbortController();
    const signal = this.controller.signal;
    if (seq) {
      const before = await api.frames(this.sessionId, {...this.filter, before: seq + 1, limit: PAGE / 2}, signal);
      const after = await api.frames(this.sessionId, {...this.filter, after: seq, limit: PAGE}, signal);
      this.rows = before.frames.concat(after.frames);
      this.prev = before.prev;
      this.next = after.next;
    } else {
      const page = await api.frames(this.sessionId, {...this.filter, after: 0, limit: PAGE}, signal);
      this.rows = page.frames;
      this.prev = null;
      this.next = page.next;
    }
    this.onChange();
  }

  want(first, last) {
    if (this.busy) return;
    if (last >= this.rows.length - MARGIN && this.next !== null) {
      this.busy = this.page({after: this.next}, page => {
        this.rows.push(...page.frames);
        this.next = page.next;
        this.trim(true);
      });
    } else if (first <= MARGIN && this.prev !== null) {
      this.busy = this.page({before: this.prev}, page => {
        this.rows.unshift(...page.frames);
        this.prev = page.prev;
        this.onShift(page.frames.length);
        this.trim(false);
      });
    }
  }

  async page(cursor, use) {
    try {
      const page = await api.frames(this.sessionId, {...this.filter, ...cursor, limit: PAGE}, this.controller.signal);
      use(page);
      this.onChange();
    } catch (e) {
      if (e.name !== 'AbortError') this.onError(e);
    } finally {
      this.busy = null;
      if (this.again) {
        this.again = false;
        this.live();
      }
    }
  }

  /** Lets go of rows at the far end once too many are loaded; `atEnd`: the list grew at its end. */
  trim(atEnd) {
    const extra = this.rows.length - MAX_ROWS;
    if (extra <= 0) return;
    if (atEnd) {
      this.rows.splice(0, extra);
      this.prev = this.rows[0].seq;
      this.onShift(-extra);
    } else {
      this.rows.length = MAX_ROWS;
      this.next = this.rows[this.rows.length - 1].seq;
    }
  }

  indexOfLoaded(seq) {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.rows[mid].seq;
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The row of `seq`, reloading around it when it lies outside what is loaded; -1 when it does not match. */
  async locate(seq) {
    const i = this.indexOfLoaded(seq);
    if (i >= 0) return i;
    const first = this.rows[0]?.seq;
    const last = this.rows[this.rows.length - 1]?.seq;
    const inside = first !== undefined && seq > first && seq < last;
    if (inside) return -1;
    await this.start(seq);
    return this.indexOfLoaded(seq);
  }

  /** A frame arrived: when the list shows the end of the session, fetch what matched since (the server filters). */
  live() {
    if (this.busy) {
      this.again = true; // look again once the page in flight is in
      return;
    }
    if (this.next !== null) return;
    const last = this.rows[this.rows.length - 1]?.seq ?? 0;
    this.busy = this.page({after: last}, page => {
      this.rows.push(...page.frames);
      this.next = page.next;
      this.trim(true);
    });
  }

  destroy() {
    this.controller.abort();
  }
}
