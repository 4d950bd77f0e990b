// A window splitter (WAI-ARIA's pattern) between the timeline and the frame detail: drag it, or focus it and use
// the arrow keys (Shift: larger steps), Home and End. The detail's size is remembered in localStorage: its width
// when it stands beside the timeline, its height when a narrow window puts it below.
import {h} from './dom.js';

const STEP = 32;
const MIN = 240;        // the least of the detail, in px
const KEEP = 280;       // the least left to the timeline, in px
const KEY = 'sockscope.detail.';

export class Splitter {
  /** `pane` is the element it sizes (the detail), placed after the splitter inside `container`. */
  constructor(container, pane) {
    this.container = container;
    this.pane = pane;
    this.el = h('div', {class: 'splitter', id: 'splitter', role: 'separator', tabindex: '0', 'aria-controls': pane.id,
      'aria-label': 'Resize the frame detail', title: 'Drag, or focus and use ← → (↑ ↓ when below), to resize the detail'});
    container.insertBefore(this.el, pane);
    this.el.addEventListener('pointerdown', e => this.drag(e));
    this.el.addEventListener('keydown', e => this.key(e));
    new ResizeObserver(() => this.apply()).observe(container);
  }

  /** Beside the timeline (a row) or below it (a column, in a narrow window). */
  below() {
    return getComputedStyle(this.container).flexDirection.startsWith('column');
  }

  room() {
    const r = this.container.getBoundingClientRect();
    return this.below() ? r.height : r.width;
  }

  limits() {
    return [MIN, Math.max(MIN, this.room() - KEEP)];
  }

  stored() {
    const v = Number(localStorage.getItem(KEY + (this.below() ? 'height' : 'width')));
    return Number.isFinite(v) && v > 0 ? v : null;
  }

  /** Sizes the pane as stored (or leaves the stylesheet's share), within the limits of the space there is now. */
  apply() {
    if (this.pane.hidden) return;
    const size = this.stored();
    if (size === null) {
      this.pane.style.flex = '';
    } else {
      const [min, max] = this.limits();
      this.pane.style.flex = `0 0 ${Math.round(Math.min(max, Math.max(min, size)))}px`;
    }
    this.describe();
  }

  size() {
    const r = this.pane.getBoundingClientRect();
    return this.below() ? r.height : r.width;
  }

  set(size) {
    const [min, max] = this.limits();
    const v = Math.round(Math.min(max, Math.max(min, size)));
    localStorage.setItem(KEY + (this.below() ? 'height' : 'width'), String(v));
    this.pane.style.flex = `0 0 ${v}px`;
    this.describe();
  }

  describe() {
    const [min, max] = this.limits();
    const room = this.room() || 1;
    this.el.setAttribute('aria-orientation', this.below() ? 'horizontal' : 'vertical');
    this.el.setAttribute('aria-valuemin', String(Math.round(min * 100 / room)));
    this.el.setAttribute('aria-valuemax', String(Math.round(max * 100 / room)));
    this.el.setAttribute('aria-valuenow', String(Math.round(this.size() * 100 / room)));
  }

  drag(e) {
    if (e.button !== 0) return;
    e.preventDefault();
    const below = this.below();
    const start = below ? e.clientY : e.clientX;
    const from = this.size();
    this.el.setPointerCapture(e.pointerId);
    this.el.classList.add('dragging');
    const move = m => this.set(from - ((below ? m.clientY : m.clientX) - start)); // the detail is after the splitter
    const up = () => {
      this.el.removeEventListener('pointermove', move);
      this.el.removeEventListener('pointerup', up);
      this.el.removeEventListener('pointercancel', up);
      this.el.classList.remove('dragging');
    };
    this.el.addEventListener('pointermove', move);
    this.el.addEventListener('pointerup', up);
    this.el.addEventListener('pointercancel', up);
  }

  key(e) {
    const below = this.below();
    const step = e.shiftKey ? STEP * 4 : STEP;
    const [min, max] = this.limits();
    // Moving the splitter towards the start (left, or up) gives the detail more room.
    const grow = below ? 'ArrowUp' : 'ArrowLeft';
    const shrink = below ? 'ArrowDown' : 'ArrowRight';
    if (e.key === grow) this.set(this.size() + step);
    else if (e.key === shrink) this.set(this.size() - step);
    else if (e.key === 'Home') this.set(max);
    else if (e.key === 'End') this.set(min);
    else return;
    e.preventDefault();
    e.stopPropagation(); // the page's own keys (j, k, Home, End) are for the timeline
  }
}
