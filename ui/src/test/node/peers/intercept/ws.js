'use strict';
// Node `ws` with its defaults (permessage-deflate with context takeover on both sides) for the intercept tests.
//   node intercept/ws.js serve        an echo server; prints `listening PORT`; runs until standard input closes
//   node intercept/ws.js client URL   prints {"open": extensions}, every message it receives ({"text"} or {"binary"}
//                                     in base64) and {"closed", "reason"}; sends what standard input asks, one JSON
//                                     line each: {"text": T}, {"binary": BASE64}
const WebSocket = require('ws');

function print(o) {
  process.stdout.write(JSON.stringify(o) + '\n');
}

if (process.argv[2] === 'serve') {
  const server = new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true, maxPayload: 0 });
  server.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  server.on('listening', () => process.stdout.write(`listening ${server.address().port}\n`));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
} else {
  const ws = new WebSocket(process.argv[3], { maxPayload: 0 });
  ws.on('open', () => print({ open: ws.extensions ? Object.keys(ws._extensions || {}).join(',') : '' }));
  ws.on('message', (data, isBinary) => print(isBinary ? { binary: Buffer.from(data).toString('base64') } : { text: data.toString() }));
  ws.on('close', (code, reason) => {
    print({ closed: code, reason: reason.toString() });
    process.exit(0);
  });
  ws.on('error', (e) => print({ error: String(e) }));
  let buffered = '';
  process.stdin.on('data', (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.trim()) continue;
      const cmd = JSON.parse(line);
      if (cmd.text !== undefined) ws.send(cmd.text);
      else if (cmd.binary !== undefined) ws.send(Buffer.from(cmd.binary, 'base64'));
    }
  });
}
