'use strict';
// Both GraphQL-over-WebSocket protocols on one port, with the real server libraries and the same schema:
//   /graphql  graphql-ws (subprotocol graphql-transport-ws), connection_init must carry authToken
//   /legacy   subscriptions-transport-ws (subprotocol graphql-ws), keep-alive `ka` every 200 ms
// Each path has its own `ws` server with permessage-deflate on.
const http = require('http');
const { WebSocketServer } = require('ws');
const { execute, subscribe } = require('graphql');
const { SubscriptionServer } = require('subscriptions-transport-ws');
const schema = require('./schema');
const { listening } = require('../lib/peer');

const TOKEN = 's3cr3t-graphql-token';

async function main() {
  const { useServer } = await import('graphql-ws/use/ws');
  const modern = new WebSocketServer({ noServer: true, perMessageDeflate: true });
  useServer({ schema, onConnect: (ctx) => ctx.connectionParams?.authToken === TOKEN }, modern);

  const legacy = new WebSocketServer({ noServer: true, perMessageDeflate: true });
  SubscriptionServer.create({
    schema, execute, subscribe, keepAlive: 200,
    onConnect: (params) => {
      if (params.authToken !== TOKEN) throw new Error('bad token');
      return { user: 'bot' };
    },
  }, legacy);

  const server = http.createServer((req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url, 'http://x').pathname;
    const wss = path === '/graphql' ? modern : path === '/legacy' ? legacy : null;
    if (!wss) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  server.listen(0, '127.0.0.1', () => listening(server.address().port));
}
main();
