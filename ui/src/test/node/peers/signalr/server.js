'use strict';
// A SignalR hub server written here from the SignalR JSON Hub Protocol specification (there is no .NET on this
// machine, so not ASP.NET Core): POST /chat/negotiate (negotiateVersion 1, WebSockets only), then on the WebSocket
// (`ws`, permessage-deflate on) the handshake ({"protocol":"json","version":1} answered by {}), records ended by 0x1E,
// Invocation (1), StreamItem (2), Completion (3), StreamInvocation (4), CancelInvocation (5), Ping (6), Close (7).
// Hub methods: Echo (result), Notify (no result, then a server-to-client invocation `notified`), Fire (non-blocking,
// answered by a `fired` invocation), Counter (a stream of N items then a completion), Sum (consumes a client-to-server
// stream), Fail (an error completion). Pings every 200 ms. The requests must carry Bearer s3cr3t-signalr-token.
// One deliberate choice exercises several records in one frame: the last stream item and its completion are written
// together, as ASP.NET Core does when writes coalesce.
const http = require('http');
const crypto = require('crypto');
const { WebSocketServer } = require('ws');
const { listening } = require('../lib/peer');

const RS = '\x1e';
const TOKEN = 's3cr3t-signalr-token';
const authorized = (req) => req.headers.authorization === `Bearer ${TOKEN}`;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'POST' && url.pathname === '/chat/negotiate') {
    if (!authorized(req)) return res.writeHead(401).end();
    const connectionId = crypto.randomUUID();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify({
      negotiateVersion: 1, connectionId, connectionToken: connectionId,
      availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }],
    }));
  }
  res.writeHead(404).end();
});

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: true });
server.on('upgrade', (req, socket, head) => {
  if (new URL(req.url, 'http://x').pathname !== '/chat' || !authorized(req)) {
    socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => hub(ws));
});

function hub(ws) {
  let handshaken = false;
  const streams = new Map(); // client-to-server stream id -> { items, invocationId }
  const send = (...messages) => ws.send(messages.map((m) => JSON.stringify(m) + RS).join(''));
  const pings = setInterval(() => handshaken && send({ type: 6 }), 200);
  ws.on('close', () => clearInterval(pings));

  ws.on('message', (data) => {
    for (const record of String(data).split(RS).filter((r) => r.length > 0)) {
      const message = JSON.parse(record);
      if (!handshaken) {
        if (message.protocol !== 'json' || message.version !== 1) {
          send({ error: `the protocol '${message.protocol}' version ${message.version} is not supported` });
          return ws.close(1000);
        }
        handshaken = true;
        send({});
        continue;
      }
      dispatch(message);
    }
  });

  function dispatch(m) {
    switch (m.type) {
      case 1: return invoke(m);
      case 2: return streams.get(m.invocationId)?.items.push(m.item);
      case 3: {
        const stream = streams.get(m.invocationId);
        if (!stream) return;
        streams.delete(m.invocationId);
        return send({ type: 3, invocationId: stream.invocationId, result: stream.items.reduce((a, b) => a + b, 0) });
      }
      case 4: return counter(m);
      case 5: return undefined; // CancelInvocation: the streams here are short, nothing to stop
      case 6: return undefined; // Ping
      case 7: return ws.close(1000);
      default: return send({ type: 7, error: `unknown message type ${m.type}`, allowReconnect: false });
    }
  }

  function invoke(m) {
    const reply = (body) => m.invocationId !== undefined && send({ type: 3, invocationId: m.invocationId, ...body });
    switch (m.target) {
      case 'Echo': return reply({ result: m.arguments[0] });
      case 'Notify':
        reply({});
        return send({ type: 1, target: 'notified', arguments: [m.arguments[0], { at: 'server' }] });
      case 'Fire': return send({ type: 1, target: 'fired', arguments: [m.arguments[0]] });
      case 'Sum': return streams.set(m.streamIds[0], { items: [], invocationId: m.invocationId });
      case 'Fail': return reply({ error: "An unexpected error occurred invoking 'Fail' on the server. HubException: the hub refused" });
      default: return reply({ error: `Unknown hub method '${m.target}'` });
    }
  }

  function counter(m) {
    const [count, every] = m.arguments;
    let n = 0;
    const timer = setInterval(() => {
      n++;
      const item = { type: 2, invocationId: m.invocationId, item: n };
      if (n < count) return send(item);
      clearInterval(timer);
      send(item, { type: 3, invocationId: m.invocationId });
    }, every);
  }
}

server.listen(0, '127.0.0.1', () => listening(server.address().port));
