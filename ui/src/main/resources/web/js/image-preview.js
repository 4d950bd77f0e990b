// Images inside frames: a binary payload, or a base64 string in a JSON payload (maim's image segments). Bytes are
// shown as a picture only when their first bytes say they are one of the raster formats below, and only through a
// blob: URL of that type into an <img> (no SVG: it can carry script).

const SIGNATURES = [
  {type: 'image/png', test: b => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])},
  {type: 'image/jpeg', test: b => starts(b, [0xff, 0xd8, 0xff])},
  {type: 'image/gif', test: b => starts(b, [0x47, 0x49, 0x46, 0x38]) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61},
  {type: 'image/webp', test: b => starts(b, [0x52, 0x49, 0x46, 0x46]) && ascii(b, 8, 4) === 'WEBP'},
  {type: 'image/bmp', test: b => starts(b, [0x42, 0x4d]) && b.length > 26},
  {type: 'image/avif', test: b => ascii(b, 4, 8) === 'ftypavif'},
];

function starts(b, sig) {
  return b.length >= sig.length && sig.every((x, i) => b[i] === x);
}

function ascii(b, at, n) {
  return b.length >= at + n ? String.fromCharCode(...b.subarray(at, at + n)) : '';
}

/** The image type the bytes start with, or null. */
export function imageType(bytes) {
  return SIGNATURES.find(s => s.test(bytes))?.type ?? null;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MIN_BASE64 = 64;

export function fromBase64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Checks the first bytes of a base64 string without decoding all of it. */
function base64Image(s) {
  const body = s.startsWith('data:') ? s.slice(s.indexOf(',') + 1) : s;
  if (body.length < MIN_BASE64 || body.length % 4 !== 0 || !BASE64.test(body.slice(0, 4096))) return null;
  let head;
  try {
    head = fromBase64(body.slice(0, 24));
  } catch {
    return null;
  }
  const type = imageType(head);
  return type ? {type, base64: body} : null;
}

/**
 * The images in a frame: {type, bytes, where} for each, found in a binary payload or in string values of a JSON
 * payload (the path says where).
 */
export function findImages(frame) {
  const found = [];
  if (frame.type === 'binary' && frame.base64) {
    const bytes = fromBase64(frame.base64);
    const type = imageType(bytes);
    if (type) found.push({type, bytes, where: 'payload'});
  }
  if (frame.text) {
    let value;
    try {
      value = JSON.parse(frame.text);
    } catch {
      value = frame.text;
    }
    walk(value, '$', found);
  }
  return found;
}

function walk(v, path, found) {
  if (found.length >= 8) return;
  if (typeof v === 'string') {
    const img = base64Image(v);
    if (img) {
      try {
        found.push({type: img.type, bytes: fromBase64(img.base64), where: path});
      } catch {
        // not base64 after all
      }
    }
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => walk(x, `${path}[${i}]`, found));
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`, found);
  }
}
