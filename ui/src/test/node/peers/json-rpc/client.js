'use strict';
// The JSON-RPC 2.0 scenario with the real `rpc-websockets` Client, then a raw batch:
// 1. calls: sum; slow (150 ms) and sum sent together, so the answers come out of order; fail (error answer);
//    whoami before and after rpc.login with a password param; a `log` notification; subscribe to `tick` (rpc.on)
//    and three tick notifications; unknown method (-32601).
// 2. rpc-websockets' Client offers no batch, so a second connection sends one raw JSON-RPC batch with `ws`
//    (two calls and a notification) and gets one array answer.
const WebSocket = require('ws');
const { Client } = require('rpc-websockets');
const { STEP, SCENARIO, scenario, within, equal, check, note, once, sleep } = require('../lib/peer');

async function calls(base) {
  const client = new Client(`${base}/`, { autoconnect: true, reconnect: false });
  await once(client, 'open');
  equal(await client.call('sum', [1, 2, 3]), 6, 'sum');

  const order = [];
  const slow = client.call('slow', { ms: 150 }).then((r) => { order.push('slow'); return r; });
  const fast = client.call('sum', [40, 2]).then((r) => { order.push('sum'); return r; });
  equal(await within(STEP, 'out-of-order answers', Promise.all([slow, fast])), [{ slept: 150 }, 42], 'answers');
  equal(order, ['sum', 'slow'], 'answer order');

  const failure = await client.call('fail', []).then(() => null, (e) => e);
  check(failure && failure.code === -32000 && /always fails/.test(JSON.stringify(failure)), 'error answer ' + JSON.stringify(failure));
  const unknown = await client.call('nope', []).then(() => null, (e) => e);
  check(unknown && unknown.code === -32601, 'unknown method ' + JSON.stringify(unknown));

  const denied = await client.call('whoami').then(() => null, (e) => e);
  check(denied && denied.code === -32605, 'whoami before login ' + JSON.stringify(denied));
  equal(await client.login({ user: 'bot', password: 's3cr3t-rpc-password' }), true, 'login');
  equal(await client.call('whoami'), 'bot', 'whoami');

  await client.notify('log', { level: 'info', text: 'a notification has no id and no answer' });
  equal(await client.call('logged'), 1, 'notification arrived');

  const ticks = [];
  client.on('tick', (t) => ticks.push(t.n));
  await client.subscribe('tick');
  equal(await client.call('start-ticks', { count: 3 }), 'started', 'start-ticks');
  await within(STEP, 'three ticks', (async () => { while (ticks.length < 3) await sleep(20); })());
  equal(ticks, [1, 2, 3], 'ticks');
  client.close();
  await once(client, 'close');
  note('calls done');
}

async function batch(base) {
  const ws = new WebSocket(`${base}/`);
  await once(ws, 'open');
  const answer = once(ws, 'message');
  ws.send(JSON.stringify([
    { jsonrpc: '2.0', method: 'sum', params: [1, 1], id: 'b-1' },
    { jsonrpc: '2.0', method: 'log', params: { text: 'in a batch' } },
    { jsonrpc: '2.0', method: 'slow', params: { ms: 10 }, id: 'b-2' },
  ]));
  const [data] = await answer;
  equal(JSON.parse(String(data)), [
    { jsonrpc: '2.0', result: 2, id: 'b-1' },
    { jsonrpc: '2.0', result: { slept: 10 }, id: 'b-2' },
  ], 'batch answer');
  ws.close(1000);
  await once(ws, 'close');
  note('batch done');
}

scenario(SCENARIO, async (base) => {
  await calls(base);
  await batch(base);
});
