'use strict';
// Made socket.io.frames (see CAPTURES.md): socket.io's Server and socket.io-client in one process, every message
// printed by the peers harness's tap (text only: no binary attachments). From the repository root, with the peers' packages installed:
//   NODE_PATH=ui/src/test/node/peers/node_modules node --require ./ui/src/test/node/peers/lib/tap.js \
//     decoder/src/test/resources/specs/socket.io-capture.js
// then keep the client's lines ("side":"client") in order: sent as >>> client, received as <<< server.
const http = require('http');
const { Server } = require('socket.io');
const { Manager } = require('socket.io-client');

const httpServer = http.createServer();
const io = new Server(httpServer, { transports: ['websocket'], pingInterval: 300, pingTimeout: 5000 });
io.use((s, next) => (s.handshake.auth.token === 's3cr3t-socketio-token' ? next() : next(new Error('bad token'))));
io.on('connection', (socket) => {
  socket.on('chat', (m, ack) => { ack({ ok: true, echo: m.text }); io.emit('chat', { from: 'server', text: 'echo: ' + m.text }); });
  socket.on('ask-me', async () => {
    const answer = await socket.timeout(5000).emitWithAck('question', { text: 'ready?' });
    socket.emit('answered', answer);
  });
});
const admin = io.of('/admin');
admin.use((s, next) => (s.handshake.auth.token === 's3cr3t-admin-token' ? next() : next(new Error('not an admin'))));
admin.on('connection', (s) => s.on('stats', (ack) => ack({ sockets: io.of('/').sockets.size })));

httpServer.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${httpServer.address().port}`;
  const once = (e, ev) => new Promise((r) => e.once(ev, (...a) => r(a)));
  const manager = new Manager(base, { transports: ['websocket'], reconnection: false });
  const main = manager.socket('/', { auth: { token: 's3cr3t-socketio-token', user: 'bot-1' } });
  main.on('question', (q, ack) => ack({ answer: 'yes', to: q.text }));
  await once(main, 'connect');
  await main.emitWithAck('chat', { text: 'hello' });
  const answered = once(main, 'answered');
  main.emit('ask-me');
  await answered;
  const adm = manager.socket('/admin', { auth: { token: 'wrong-token' } });
  await once(adm, 'connect_error');
  adm.auth = { token: 's3cr3t-admin-token' };
  adm.connect();
  await once(adm, 'connect');
  await adm.emitWithAck('stats');
  await once(manager, 'ping');
  adm.disconnect();
  main.disconnect();
  setTimeout(() => process.exit(0), 200);
});
