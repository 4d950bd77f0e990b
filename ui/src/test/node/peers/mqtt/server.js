'use strict';
// MQTT 3.1.1 broker: the real `aedes`, fed by a `ws` server (subprotocol `mqtt`, permessage-deflate on) through a
// stream. Users: bot / s3cr3t-mqtt-password; subscriptions to `forbidden/#` are refused (SUBACK 0x80).
//
// The stream is a small adapter rather than ws's createWebSocketStream: aedes writes a packet in several chunks and
// destroys the stream right after a refusal CONNACK, and createWebSocketStream then drops the chunks still in its
// write buffer (the client got 0x20 alone). Here every chunk goes to ws.send at once (each still its own WebSocket
// message, as aedes writes them) and the stream ends with a close frame.
const http = require('http');
const { Duplex } = require('stream');
const { WebSocketServer } = require('ws');
const { listening } = require('../lib/peer');

function streamOf(ws) {
  const stream = new Duplex({
    read() {},
    write(chunk, encoding, done) {
      ws.send(chunk);
      done();
    },
    final(done) {
      ws.close(1000);
      done();
    },
    destroy(error, done) {
      if (ws.readyState === ws.OPEN) ws.close(1000);
      done(error);
    },
  });
  ws.on('message', (data) => stream.push(data));
  ws.on('close', () => stream.push(null));
  ws.on('error', (e) => stream.destroy(e));
  return stream;
}

async function main() {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  broker.authenticate = (client, username, password, done) => {
    const ok = username === 'bot' && password && password.toString() === 's3cr3t-mqtt-password';
    if (ok) return done(null, true);
    const error = new Error('bad user name or password');
    error.returnCode = 4;
    return done(error, false);
  };
  broker.authorizeSubscribe = (client, subscription, done) =>
    // aedes refuses a subscription (SUBACK 0x80) when it is handed back as null; an error would drop the client.
    done(null, subscription.topic.startsWith('forbidden/') ? null : subscription);

  const server = http.createServer((req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, path: '/mqtt', perMessageDeflate: true });
  wss.on('connection', (ws) => broker.handle(streamOf(ws)));
  server.listen(0, '127.0.0.1', () => listening(server.address().port));
}
main();
