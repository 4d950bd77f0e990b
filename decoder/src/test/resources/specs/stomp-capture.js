'use strict';
// Made stomp.tap.jsonl (see CAPTURES.md); keep the lines with "side":"client".
// stompjs 7 (the real client) against a small STOMP 1.2 broker written here from the STOMP 1.2 specification
// (CONNECTED, RECEIPT, MESSAGE, ERROR; heart-beats), over ws.
const { WebSocketServer, WebSocket } = require('ws');
const { Client } = require('@stomp/stompjs');
Object.assign(global, { WebSocket });
const NUL = '\0';
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('v12.stomp') ? 'v12.stomp' : false) });
wss.on('connection', (ws) => {
  const subs = new Map();
  let n = 0;
  ws.on('message', (data) => {
    const text = String(data);
    if (text === '\n') return;
    const [head, body] = text.split('\n\n');
    const lines = head.split('\n');
    const command = lines[0];
    const h = {};
    for (const l of lines.slice(1)) { const i = l.indexOf(':'); if (!(l.slice(0, i) in h)) h[l.slice(0, i)] = l.slice(i + 1); }
    const receipt = h.receipt ? `RECEIPT\nreceipt-id:${h.receipt}\n\n${NUL}` : null;
    if (command === 'CONNECT') {
      if (h.passcode !== 's3cr3t-stomp-passcode') { ws.send(`ERROR\nmessage:bad passcode\ncontent-type:text/plain\n\nwho are you?${NUL}`); return; }
      ws.send(`CONNECTED\nversion:1.2\nheart-beat:0,100\nserver:tiny/1.0\n\n${NUL}`);
      setTimeout(() => ws.readyState === 1 && ws.send('\n'), 150);
    } else if (command === 'SUBSCRIBE') { subs.set(h.destination, h.id); if (receipt) ws.send(receipt); }
    else if (command === 'SEND') {
      if (receipt) ws.send(receipt);
      const id = subs.get(h.destination);
      if (id) ws.send(`MESSAGE\nsubscription:${id}\nmessage-id:m-${++n}\ndestination:${h.destination}\ncontent-type:${h['content-type'] || 'text/plain'}\n\n${body.replace(/\0$/, '')}${NUL}`);
    } else if (command === 'UNSUBSCRIBE') { for (const [d, i] of subs) if (i === h.id) subs.delete(d); if (receipt) ws.send(receipt); }
    else if (command === 'DISCONNECT') { if (receipt) ws.send(receipt); }
  });
});
wss.on('listening', () => {
  const port = wss.address().port;
  const client = new Client({ brokerURL: `ws://127.0.0.1:${port}/ws`, connectHeaders: { login: 'bot', passcode: 's3cr3t-stomp-passcode' },
    heartbeatIncoming: 100, heartbeatOutgoing: 0, reconnectDelay: 0, debug: () => {} });
  client.onConnect = async () => {
    const got = [];
    const sub = client.subscribe('/topic/chat', (m) => got.push(m.body), { receipt: 'sub-receipt' });
    client.publish({ destination: '/topic/chat', body: JSON.stringify({ text: 'hello' }), headers: { 'content-type': 'application/json', receipt: 'send-1' } });
    client.publish({ destination: '/topic/chat', body: 'plain words' });
    await new Promise((r) => setTimeout(r, 300));
    sub.unsubscribe();
    await client.deactivate();
    setTimeout(() => process.exit(0), 100);
  };
  client.activate();
});
