'use strict';
// JSON-RPC 2.0 server: the real `rpc-websockets` Server (its own `ws` server, permessage-deflate on). Methods: sum,
// slow (answers after 150 ms, so later calls overtake it), fail (throws: an error answer), a protected whoami behind
// rpc.login (password s3cr3t-rpc-password), a `log` notification handler, and a `tick` event sent as notifications.
const { Server } = require('rpc-websockets');
const { listening } = require('../lib/peer');

const server = new Server({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
const logged = [];

server.register('sum', (params) => params.reduce((a, b) => a + b, 0));
server.register('slow', (params) => new Promise((resolve) => setTimeout(() => resolve({ slept: params.ms }), params.ms)));
server.register('fail', () => {
  throw new Error('this method always fails');
});
server.register('log', (params) => { logged.push(params); });
server.register('logged', () => logged.length);
server.setAuth((params) => params.user === 'bot' && params.password === 's3cr3t-rpc-password');
server.register('whoami', () => 'bot').protected();
server.event('tick');
server.register('start-ticks', (params) => {
  for (let i = 1; i <= params.count; i++) setTimeout(() => server.emit('tick', { n: i }), 20 * i);
  return 'started';
});

server.on('listening', () => listening(server.wss.address().port));
