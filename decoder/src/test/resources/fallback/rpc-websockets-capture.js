'use strict';
// Made rpc-websockets.frames: rpc-websockets' Server and Client in one process, every message printed by the peers
// harness's tap. From the repository root, with the peers' packages installed (npm ci in ui/src/test/node/peers):
//   NODE_PATH=ui/src/test/node/peers/node_modules node --require ./ui/src/test/node/peers/lib/tap.js \
//     decoder/src/test/resources/fallback/rpc-websockets-capture.js
// then keep the client's lines ("side":"client"), text only, in order: sent as >>> client, received as <<< server.
const { Server, Client } = require('rpc-websockets');
const server = new Server({ host: '127.0.0.1', port: 0 });
server.register('sum', (p) => p.reduce((a, b) => a + b, 0));
server.register('slow', (p) => new Promise((r) => setTimeout(() => r({ slept: p.ms }), p.ms)));
server.register('fail', () => { throw new Error('this method always fails'); });
server.event('tick');
server.setAuth((p) => p.user === 'bot' && p.password === 's3cr3t-rpc-password');
server.register('whoami', () => 'bot').protected();
server.register('start-ticks', (p) => { for (let i = 1; i <= p.count; i++) setTimeout(() => server.emit('tick', { n: i }), 20 * i); return 'started'; });
server.on('listening', async () => {
  const port = server.wss.address().port;
  const c = new Client(`ws://127.0.0.1:${port}/`, { autoconnect: true, reconnect: false });
  await new Promise((r) => c.once('open', r));
  await c.call('sum', [1, 2, 3]);
  await Promise.all([c.call('slow', { ms: 150 }), c.call('sum', [40, 2])]);
  await c.call('fail', []).catch(() => null);
  await c.call('nope', []).catch(() => null);
  await c.login({ user: 'bot', password: 's3cr3t-rpc-password' });
  await c.call('whoami');
  await c.notify('log', { text: 'a notification' });
  const ticks = [];
  c.on('tick', (t) => ticks.push(t));
  await c.subscribe('tick');
  await c.call('start-ticks', { count: 2 });
  while (ticks.length < 2) await new Promise((r) => setTimeout(r, 20));
  c.close();
  setTimeout(() => process.exit(0), 200);
});
