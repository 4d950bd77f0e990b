'use strict';
// The Socket.IO scenario with the real `socket.io-client` (WebSocket transport only, permessage-deflate offered as
// the client does by default): auth token, events and acks both ways, a room, a binary attachment in an event and in
// an ack, CONNECT_ERROR on /admin with a wrong token then a good one, and a few Engine.IO pings.
const { Manager } = require('socket.io-client');
const { STEP, SCENARIO, scenario, once, within, equal, check, note, sleep } = require('../lib/peer');

scenario(SCENARIO, async (base) => {
  const manager = new Manager(base, { transports: ['websocket'], reconnection: false, path: '/socket.io/' });
  let pings = 0;
  manager.on('ping', () => pings++);

  const main = manager.socket('/', { auth: { token: 's3cr3t-socketio-token', user: 'bot-1' } });
  const welcome = once(main, 'welcome');
  main.on('question', (q, ack) => ack({ answer: 'yes', to: q.text }));
  await once(main, 'connect');
  note('connected to /');
  const [profile, avatar] = await welcome;
  equal(profile, { user: 'bot-1', rooms: ['lobby'] }, 'welcome');
  check(Buffer.isBuffer(avatar) && avatar.toString() === 'avatar-bytes', 'welcome attachment ' + avatar);

  const echoed = once(main, 'chat');
  const ack = await within(STEP, 'chat ack', main.emitWithAck('chat', { text: 'hello' }));
  equal(ack, { ok: true, id: 1, echo: 'hello' }, 'chat ack');
  equal((await echoed)[0], { from: 'server', text: 'echo: hello' }, 'room broadcast');

  const roomEvent = once(main, 'room-event');
  equal(await within(STEP, 'join ack', main.emitWithAck('join', 'room-42')), 'joined room-42', 'join ack');
  equal((await roomEvent)[0], { room: 'room-42', members: 1 }, 'room event');

  const [meta, reversed] = await within(STEP, 'upload ack', new Promise((resolve) =>
    main.emit('upload', 'blob.bin', Buffer.from([0, 1, 2, 255]), (m, r) => resolve([m, r]))));
  equal(meta, { name: 'blob.bin', size: 4 }, 'upload ack');
  check(Buffer.isBuffer(reversed) && reversed.equals(Buffer.from([255, 2, 1, 0])), 'binary in the ack ' + reversed);

  const answered = once(main, 'answered');
  main.emit('ask-me');
  equal((await answered)[0], { answer: 'yes', to: 'ready?' }, 'server-to-client ack');

  const admin = manager.socket('/admin', { auth: { token: 'wrong-token' } });
  const [refusal] = await once(admin, 'connect_error');
  equal(refusal.message, 'not an admin', 'CONNECT_ERROR');
  admin.auth = { token: 's3cr3t-admin-token' };
  admin.connect();
  await once(admin, 'connect');
  equal(await within(STEP, 'stats ack', admin.emitWithAck('stats')), { sockets: 1 }, 'admin stats');

  await within(STEP, 'two Engine.IO pings', (async () => { while (pings < 2) await sleep(50); })());
  admin.disconnect();
  main.disconnect();
});
