// A hex dump: offset, sixteen bytes, and the printable ones as text.

const MAX = 64 * 1024;

export function hexDump(bytes) {
  const n = Math.min(bytes.length, MAX);
  const lines = [];
  for (let at = 0; at < n; at += 16) {
    const row = bytes.subarray(at, Math.min(at + 16, n));
    const hex = [...row].map(b => b.toString(16).padStart(2, '0')).join(' ');
    const text = [...row].map(b => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${text}`);
  }
  if (bytes.length > n) lines.push(`… ${(bytes.length - n).toLocaleString()} more bytes`);
  return lines.join('\n');
}

export function utf8(text) {
  return new TextEncoder().encode(text);
}
