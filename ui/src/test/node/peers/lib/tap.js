'use strict';
// Loaded with `node --require ./lib/tap.js`: patches every copy of the `ws` package that any library loads (they
// bundle their own: ws 8 at the top, ws 7 under subscriptions-transport-ws and @microsoft/signalr, another 8 under
// engine.io-client) so that each WebSocket message a peer sends or receives is printed as one JSON line on stdout:
//   {"tap":"sent"|"received","conn":N,"side":"client"|"server","url":"/path?query","type":"text"|"binary"|"ping"|"pong","b64":"..."}
// The Java harness compares these lines with what the Sockscope proxy recorded, byte for byte. Payloads are the
// message bytes as the application sees them (after permessage-deflate), which is what the proxy records.
const Module = require('module');

let nextConn = 1;
const kConn = Symbol('sockscope.tap.conn');
const patched = new WeakSet();
// Every socket the tap has numbered, so that a client scenario can wait for all of them to be closed before it exits.
const sockets = new Set();
global.__sockscopeTapSockets = sockets;

function bytes(data) {
  if (data === undefined || data === null) return Buffer.alloc(0);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data.map(bytes));
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(String(data), 'utf8');
}

function conn(ws) {
  if (!ws[kConn]) {
    const client = typeof ws.url === 'string' && ws.url.length > 0 && !ws._isServer;
    let url = null;
    if (client) {
      const u = new URL(ws.url);
      url = u.pathname + u.search;
    }
    ws[kConn] = { id: nextConn++, side: client ? 'client' : 'server', url };
    sockets.add(ws);
  }
  return ws[kConn];
}

function log(ws, tap, type, data) {
  const c = conn(ws);
  process.stdout.write(JSON.stringify({ tap, conn: c.id, side: c.side, url: c.url, type, b64: bytes(data).toString('base64') }) + '\n');
}

function patch(WebSocket) {
  if (typeof WebSocket !== 'function' || patched.has(WebSocket)) return;
  patched.add(WebSocket);
  const proto = WebSocket.prototype;
  const send = proto.send;
  proto.send = function (data, options, cb) {
    // ws sends a string as text and anything else as binary unless options.binary says otherwise.
    const opts = typeof options === 'object' && options !== null ? options : {};
    const binary = opts.binary !== undefined ? !!opts.binary : typeof data !== 'string';
    if (this.readyState === 1) log(this, 'sent', binary ? 'binary' : 'text', data);
    return send.apply(this, arguments);
  };
  for (const name of ['ping', 'pong']) {
    const original = proto[name];
    proto[name] = function (data) {
      if (this.readyState === 1) log(this, 'sent', name, typeof data === 'function' ? undefined : data);
      return original.apply(this, arguments);
    };
  }
  // Numbered when the upgrade completes, so connections are numbered in the order the proxy saw them.
  const setSocket = proto.setSocket;
  if (typeof setSocket === 'function') {
    proto.setSocket = function () {
      const result = setSocket.apply(this, arguments);
      conn(this);
      return result;
    };
  }
  const emit = proto.emit;
  proto.emit = function (event, data, isBinary) {
    if (event === 'open' || event === 'upgrade') conn(this);
    if (event === 'message') {
      // ws 8 says isBinary; ws 7 hands text over as a string and binary as a Buffer or ArrayBuffer.
      const binary = isBinary !== undefined ? !!isBinary : typeof data !== 'string';
      log(this, 'received', binary ? 'binary' : 'text', data);
    } else if (event === 'ping' || event === 'pong') {
      log(this, 'received', event, data);
    }
    return emit.apply(this, arguments);
  };
}

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  const result = compile.apply(this, arguments);
  if (/[\\/]ws[\\/]lib[\\/]websocket\.js$/.test(filename)) patch(this.exports);
  return result;
};
