'use strict';
// The MQTT 3.1.1 scenario with the real `mqtt` (mqtt.js) client over WebSocket (subprotocol `mqtt`):
// 1. CONNECT bot / s3cr3t-mqtt-password, keepalive 2 s; SUBSCRIBE chat/qos0, chat/qos1, chat/qos2, then
//    forbidden/x (refused, 0x80); PUBLISH QoS 0 text, QoS 1 JSON, QoS 2 text, each delivered back (PUBACK, PUBREC/PUBREL/PUBCOMP both
//    ways); a retained message then a SUBSCRIBE that receives it; PINGREQ/PINGRESP; UNSUBSCRIBE; DISCONNECT.
// 2. A second connection with a wrong password: CONNACK refusal.
const mqtt = require('mqtt');
const { STEP, SCENARIO, scenario, within, equal, check, note, sleep, once } = require('../lib/peer');

const protocolVersion = 4;

function received(client, topic) {
  return within(STEP, `message on ${topic}`, new Promise((resolve) => {
    const listener = (t, payload, packet) => {
      if (t === topic) {
        client.removeListener('message', listener);
        resolve({ payload: payload.toString(), packet });
      }
    };
    client.on('message', listener);
  }));
}

async function session(base) {
  const client = mqtt.connect(`${base}/mqtt`, {
    protocolVersion, clientId: `bot-${protocolVersion}`, username: 'bot', password: 's3cr3t-mqtt-password',
    keepalive: 2, reconnectPeriod: 0, clean: true, connectTimeout: STEP,
  });
  let pingResponses = 0;
  client.on('packetreceive', (p) => { if (p.cmd === 'pingresp') pingResponses++; });
  await within(STEP, 'CONNACK', once(client, 'connect'));
  note('connected');

  const granted = await within(STEP, 'SUBACK', client.subscribeAsync(
    { 'chat/qos0': { qos: 0 }, 'chat/qos1': { qos: 1 }, 'chat/qos2': { qos: 2 } }));
  equal(granted.map((g) => [g.topic, g.qos]), [['chat/qos0', 0], ['chat/qos1', 1], ['chat/qos2', 2]], 'SUBACK');
  // mqtt.js rejects a subscribe whose SUBACK refuses any topic (return code 0x80).
  const refusal = await within(STEP, 'SUBACK refusal', client.subscribeAsync('forbidden/x', { qos: 1 }).then(() => null, (e) => e));
  check(refusal !== null && /Subscribe error/.test(refusal.message), 'SUBACK refusal ' + (refusal && refusal.message));

  const q0 = received(client, 'chat/qos0');
  await client.publishAsync('chat/qos0', 'hello at most once', { qos: 0 });
  equal((await q0).payload, 'hello at most once', 'QoS 0 delivery');

  const q1 = received(client, 'chat/qos1');
  await within(STEP, 'PUBACK', client.publishAsync('chat/qos1', JSON.stringify({ text: 'hello at least once', n: 1 }), { qos: 1 }));
  const one = await q1;
  equal(JSON.parse(one.payload), { text: 'hello at least once', n: 1 }, 'QoS 1 delivery');
  equal(one.packet.qos, 1, 'QoS 1 delivery qos');

  const q2 = received(client, 'chat/qos2');
  await within(STEP, 'PUBCOMP', client.publishAsync('chat/qos2', 'hello exactly once', { qos: 2 }));
  const two = await q2;
  equal([two.payload, two.packet.qos], ['hello exactly once', 2], 'QoS 2 delivery');

  await within(STEP, 'retained PUBACK', client.publishAsync('status/bot', 'online', { qos: 1, retain: true }));
  const retained = received(client, 'status/bot');
  await within(STEP, 'SUBACK status', client.subscribeAsync('status/#', { qos: 1 }));
  const r = await retained;
  equal([r.payload, r.packet.retain], ['online', true], 'retained message');

  await within(STEP, 'PINGRESP', (async () => { while (pingResponses < 1) await sleep(50); })());
  await within(STEP, 'UNSUBACK', client.unsubscribeAsync('chat/qos0'));
  await within(STEP, 'DISCONNECT', client.endAsync());
  note('session done');
}

async function refused(base) {
  const client = mqtt.connect(`${base}/mqtt`, {
    protocolVersion, clientId: `intruder-${protocolVersion}`, username: 'bot', password: 'wrong-password',
    reconnectPeriod: 0, connectTimeout: STEP,
  });
  const [error] = await within(STEP, 'CONNACK refusal', once(client, 'error'));
  check(/Not authorized|Bad user ?name or password/i.test(error.message), 'refusal ' + error.message);
  await client.endAsync(true);
  note('refused: ' + error.message);
}

scenario(SCENARIO, async (base) => {
  await session(base);
  await refused(base);
});
