'use strict';
// Socket.IO 4 server (the real `socket.io` package): namespaces `/` and `/admin`, each with a middleware that checks
// the `auth` token of the CONNECT packet (a wrong one gets CONNECT_ERROR), acks both ways, rooms, binary
// attachments, and Engine.IO pings every 250 ms. WebSocket transport only; permessage-deflate on.
const http = require('http');
const { Server } = require('socket.io');
const { listening } = require('../lib/peer');

const TOKEN = 's3cr3t-socketio-token';
const ADMIN_TOKEN = 's3cr3t-admin-token';

const httpServer = http.createServer();
const io = new Server(httpServer, {
  transports: ['websocket'],
  pingInterval: 250,
  pingTimeout: 20000,
  perMessageDeflate: { threshold: 0 },
});

io.use((socket, next) => (socket.handshake.auth.token === TOKEN ? next() : next(new Error('bad token'))));
io.on('connection', (socket) => {
  socket.emit('welcome', { user: socket.handshake.auth.user, rooms: ['lobby'] }, Buffer.from('avatar-bytes'));
  socket.join('lobby');
  socket.on('chat', (message, ack) => {
    ack({ ok: true, id: 1, echo: message.text });
    io.to('lobby').emit('chat', { from: 'server', text: `echo: ${message.text}` });
  });
  socket.on('join', (room, ack) => {
    socket.join(room);
    ack(`joined ${room}`);
    io.to(room).emit('room-event', { room, members: io.of('/').adapter.rooms.get(room).size });
  });
  socket.on('upload', (name, data, ack) => {
    ack({ name, size: data.length }, Buffer.from(data).reverse());
  });
  socket.on('ask-me', async () => {
    const answer = await socket.timeout(20000).emitWithAck('question', { text: 'ready?' });
    socket.emit('answered', answer);
  });
});

const admin = io.of('/admin');
admin.use((socket, next) => (socket.handshake.auth.token === ADMIN_TOKEN ? next() : next(new Error('not an admin'))));
admin.on('connection', (socket) => {
  socket.on('stats', (ack) => ack({ sockets: io.of('/').sockets.size }));
});

httpServer.listen(0, '127.0.0.1', () => listening(httpServer.address().port));
