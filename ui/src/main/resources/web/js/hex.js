// A hex dump: offset, sixteen bytes (or eight, or four, when the view is narrower), and the printable ones as text.

const MAX = 64 * 1024;

/** Characters of one line for `perRow` bytes: offset, two spaces, the bytes, two spaces, their text. */
export function lineLength(perRow) {
  return 8 + 2 + perRow * 3 - 1 + 2 + perRow;
}

export function hexDump(bytes, perRow = 16) {
  const n = Math.min(bytes.length, MAX);
  const lines = [];
  for (let at = 0; at < n; at += perRow) {
    const row = bytes.subarray(at, Math.min(at + perRow, n));
    const hex = [...row].map(b => b.toString(16).padStart(2, '0')).join(' ');
    const text = [...row].map(b => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(perRow * 3 - 1)}  ${text}`);
  }
  if (bytes.length > n) lines.push(`… ${(bytes.length - n).toLocaleString()} more bytes`);
  return lines.join('\n');
}

/** The most bytes a row (16, 8 or 4) whose line fits in `columns` characters. */
export function bytesPerRow(columns) {
  return [16, 8].find(n => lineLength(n) <= columns) ?? 4;
}

export function utf8(text) {
  return new TextEncoder().encode(text);
}
