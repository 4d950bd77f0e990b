'use strict';
// The STOMP 1.2 scenario with the real `@stomp/stompjs` client over `ws` (subprotocols v12.stomp, v11.stomp,
// v10.stomp; permessage-deflate offered) against a real broker, Apache ActiveMQ Artemis, which the Java test runs:
// 1. CONNECT with login/passcode and heart-beat 1000,1000; SUBSCRIBE /queue/orders (ack client-individual) and
//    /topic/chat; SEND a JSON body with content-type application/json and a receipt (RECEIPT), MESSAGE frames, ACK;
//    SEND text to the topic; UNSUBSCRIBE; heart-beats (newlines) both ways; DISCONNECT with a receipt.
// 2. A second connection with a wrong passcode: the broker answers ERROR and closes.
const WebSocket = require('ws');
const { Client } = require('@stomp/stompjs');
const { STEP, SCENARIO, scenario, within, equal, check, note, sleep } = require('../lib/peer');

const PROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

function stomp(base, passcode, handlers) {
  return new Client({
    webSocketFactory: () => new WebSocket(`${base}/`, PROTOCOLS),
    connectHeaders: { login: 'bot', passcode, host: 'localhost' },
    // Artemis closes a connection after twice the client's heart-beat without one, stompjs after twice the broker's:
    // a second each way holds on a loaded machine.
    heartbeatIncoming: 1000,
    heartbeatOutgoing: 1000,
    reconnectDelay: 0,
    debug: () => {},
    ...handlers,
  });
}

async function session(base) {
  let heartbeats = 0;
  const connected = new Promise((resolve, reject) => {
    const client = stomp(base, 's3cr3t-passcode', {
      onConnect: (frame) => resolve({ client, frame }),
      onStompError: (frame) => reject(new Error('ERROR ' + frame.headers.message)),
      onWebSocketClose: () => reject(new Error('closed before CONNECTED')),
    });
    client.onUnhandledFrame = (frame) => reject(new Error('unexpected ' + frame.command));
    client.activate();
  });
  const { client, frame } = await within(STEP, 'CONNECTED', connected);
  equal(frame.headers.version, '1.2', 'STOMP version');
  check(/^\d+,\d+$/.test(frame.headers['heart-beat']), 'heart-beat header ' + frame.headers['heart-beat']);
  let heartbeatsSent = 0;
  const send = client.webSocket.send.bind(client.webSocket);
  client.webSocket.send = (data) => {
    if (data === '\n') heartbeatsSent++;
    return send(data);
  };
  client.webSocket.addEventListener('message', (e) => {
    const data = typeof e.data === 'string' ? e.data : Buffer.from(e.data).toString();
    if (data === '\n' || data === '\r\n') heartbeats++;
  });
  note('connected: heart-beat ' + frame.headers['heart-beat']);

  const orders = [];
  const chat = [];
  const orderArrived = new Promise((resolve) => {
    client.subscribe('/queue/orders', (m) => { orders.push(m); m.ack(); resolve(); }, { ack: 'client-individual', id: 'orders' });
  });
  const chatArrived = new Promise((resolve) => {
    client.subscribe('/topic/chat', (m) => { chat.push(m); resolve(); }, { id: 'chat' });
  });
  const receipt = new Promise((resolve) => client.watchForReceipt('order-1', resolve));
  client.publish({
    destination: '/queue/orders', body: JSON.stringify({ order: 42, items: ['tea', 'cake'] }),
    headers: { 'content-type': 'application/json', receipt: 'order-1' },
  });
  await within(STEP, 'RECEIPT order-1', receipt);
  await within(STEP, 'MESSAGE on /queue/orders', orderArrived);
  equal(JSON.parse(orders[0].body), { order: 42, items: ['tea', 'cake'] }, 'order body');
  equal(orders[0].headers['content-type'], 'application/json', 'content-type');

  client.publish({ destination: '/topic/chat', body: 'hello, topic' });
  await within(STEP, 'MESSAGE on /topic/chat', chatArrived);
  equal(chat[0].body, 'hello, topic', 'chat body');

  client.unsubscribe('chat');
  await within(STEP, 'heart-beats both ways', (async () => { while (heartbeats < 1 || heartbeatsSent < 1) await sleep(20); })());
  await client.deactivate();
  note('session done, heart-beats received: ' + heartbeats);
}

async function refused(base) {
  const error = await within(STEP, 'ERROR for a wrong passcode', new Promise((resolve, reject) => {
    const client = stomp(base, 'wrong-passcode', {
      onConnect: () => reject(new Error('connected with a wrong passcode')),
      onStompError: (frame) => { resolve(frame); client.deactivate(); },
    });
    client.activate();
  }));
  check(/security|password|invalid/i.test(error.headers.message + error.body), 'ERROR ' + JSON.stringify(error.headers));
  note('refused: ' + error.headers.message);
}

scenario(SCENARIO, async (base) => {
  await session(base);
  await refused(base);
});
