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

export function direction(from) {
  return from === 'client' ? '→' : '←';
}
