// How numbers, sizes and times read on the pages.

const numbers = new Intl.NumberFormat();

export function count(n) {
  return n === null || n === undefined ? '–' : numbers.format(n);
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function millis(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return duration(ms * 1000);
}

/** A duration given in microseconds, at a useful precision. */
export function duration(micros) {
  if (micros === null || micros === undefined) return '–';
  const ms = micros / 1000;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** An offset from the session's start, e.g. +1.234567 s, always in seconds so that a column lines up. */
export function offset(micros) {
  const sign = micros < 0 ? '−' : '+';
  return `${sign}${(Math.abs(micros) / 1e6).toFixed(6)}`;
}

/** Local date and time of a moment given in microseconds since the epoch. */
export function when(micros) {
  if (!micros) return '–';
  const d = new Date(micros / 1000);
  const today = new Date();
  const time = d.toLocaleTimeString(undefined, {hour12: false});
  return d.toDateString() === today.toDateString() ? time : `${d.toLocaleDateString()} ${time}`;
}

/** The local clock time of a moment given in microseconds since the epoch, to the microsecond: 10:29:48.344565. */
export function clock(micros) {
  const d = new Date(Math.floor(micros / 1000));
  const two = n => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(((micros % 1e6) + 1e6) % 1e6).padStart(6, '0')}`;
}

/** How long ago a moment (µs since the epoch) was, roughly: just now, 42 s ago, 3 min ago, 5 h ago, 2 d ago. */
export function ago(micros, now = Date.now()) {
  const s = Math.max(0, Math.floor((now - micros / 1000) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function direction(from) {
  return from === 'client' ? '→' : '←';
}

/** A frame's provenance in one word for the timeline: edited, injected, proxy, rule, dropped, not-sent, held. */
export function touch(p) {
  if (p.delivery && p.delivery !== 'delivered') return p.delivery;
  if (p.origin === 'user-edited') return 'edited';
  if (p.origin === 'user-injected') return 'injected';
  if (p.origin === 'wire') return 'held';
  return p.origin;
}

/** A frame's provenance in words for its detail. */
export function provenance(p) {
  const origin = {wire: 'from the wire', 'user-edited': 'edited by the user', 'user-injected': 'injected by the user',
    proxy: 'sent by the proxy', rule: 'by a rule'}[p.origin] ?? p.origin;
  const delivery = {delivered: 'delivered', dropped: 'dropped', 'not-sent': 'not sent'}[p.delivery] ?? p.delivery;
  const rule = p.effect ? `: ${p.effect}${p.by ? ` by ${p.by}` : ''}` : '';
  return `${origin}, ${delivery}${p.heldMs ? `, held ${millis(p.heldMs)}` : ''}${rule}`;
}
