// Bytes as editable hex (pairs of digits, sixteen a line) and back, and base64 both ways, for the intercept editor
// and the composer.

export function decode64(b64) {
  const s = atob(b64 ?? '');
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function encode64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function format(bytes) {
  const lines = [];
  for (let at = 0; at < bytes.length; at += 16) {
    lines.push([...bytes.subarray(at, at + 16)].map(b => b.toString(16).padStart(2, '0')).join(' '));
  }
  return lines.join('\n');
}

/** Hex digits (whitespace ignored) as bytes; throws on anything else or an odd count. */
export function parse(text) {
  const digits = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error('hex must be pairs of 0-9 and a-f');
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}
