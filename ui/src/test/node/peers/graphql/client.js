'use strict';
// The GraphQL scenario with the real clients, one session each:
// 1. graphql-ws (graphql-transport-ws): connection_init with an auth token, a query, a mutation, two interleaved
//    subscriptions streaming several `next` then `complete`, an operation that fails validation (`error`), and the
//    client's keep-alive ping answered by pong.
// 2. subscriptions-transport-ws (graphql-ws): connection_init, a query, a subscription (start, data ×3, complete),
//    a query with an unknown field (data with errors), one that does not parse (error), the server's keep-alive `ka`, connection_terminate.
const WebSocket = require('ws');
const { SubscriptionClient } = require('subscriptions-transport-ws');
const { STEP, SCENARIO, scenario, within, equal, check, note, sleep } = require('../lib/peer');

function collect(client, payload) {
  return new Promise((resolve, reject) => {
    const results = [];
    client.subscribe(payload, {
      next: (r) => results.push(r),
      error: (e) => reject(Object.assign(new Error('operation failed'), { detail: e })),
      complete: () => resolve(results),
    });
  });
}

async function modern(base) {
  const { createClient } = await import('graphql-ws');
  let pongs = 0;
  const client = createClient({
    url: `${base}/graphql`, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, keepAlive: 100,
    connectionParams: { authToken: 's3cr3t-graphql-token' },
    on: { pong: () => pongs++ },
  });
  equal(await within(STEP, 'query', collect(client, { query: '{ hello(name: "bot") }' })),
    [{ data: { hello: 'hello bot' } }], 'query');
  equal(await within(STEP, 'mutation', collect(client, {
    query: 'mutation Post($text: String!) { post(text: $text) { id text } }', operationName: 'Post', variables: { text: 'hi' },
  })), [{ data: { post: { id: '1', text: 'hi' } } }], 'mutation');
  const [ticks, messages] = await within(STEP, 'two subscriptions', Promise.all([
    collect(client, { query: 'subscription Ticks { ticks(count: 4, every: 25) }', operationName: 'Ticks' }),
    collect(client, { query: 'subscription Messages { messages(count: 3) { id text } }', operationName: 'Messages' }),
  ]));
  equal(ticks.map((r) => r.data.ticks), [1, 2, 3, 4], 'ticks');
  equal(messages.map((r) => r.data.messages.id), ['m1', 'm2', 'm3'], 'messages');
  const refused = await within(STEP, 'failing operation', collect(client, { query: '{ nope }' }).then(
    () => null, (e) => e.detail));
  check(Array.isArray(refused) && /Cannot query field "nope"/.test(refused[0].message), 'error message ' + JSON.stringify(refused));
  await within(STEP, 'a pong', (async () => { while (pongs < 1) await sleep(20); })());
  await client.dispose();
  note('graphql-transport-ws done');
}

async function legacy(base) {
  const client = new SubscriptionClient(`${base}/legacy`, {
    reconnect: false, lazy: false, connectionParams: { authToken: 's3cr3t-graphql-token' },
  }, WebSocket);
  let kas = 0;
  // The client sees the server's `ka` only as a keep-alive timer reset; count them from the raw messages.
  const connected = new Promise((resolve) => client.onConnected(resolve));
  await within(STEP, 'legacy connection_ack', connected);
  client.client.on('message', (data) => { if (JSON.parse(String(data)).type === 'ka') kas++; });
  const run = (request) => new Promise((resolve, reject) => {
    const results = [];
    client.request(request).subscribe({ next: (r) => results.push(r), error: reject, complete: () => resolve(results) });
  });
  equal(await within(STEP, 'legacy query', run({ query: '{ hello(name: "legacy") }' })),
    [{ data: { hello: 'hello legacy' } }], 'legacy query');
  const ticks = await within(STEP, 'legacy subscription', run({ query: 'subscription { ticks(count: 3, every: 30) }' }));
  equal(ticks.map((r) => r.data.ticks), [1, 2, 3], 'legacy ticks');
  // A field that does not exist is answered with `data` holding errors; a query that does not parse with `error`.
  const invalid = await within(STEP, 'legacy invalid query', run({ query: '{ nope }' }));
  check(/Cannot query field "nope"/.test(invalid[0].errors[0].message), 'legacy validation errors ' + JSON.stringify(invalid));
  const failed = await within(STEP, 'legacy error', run({ query: '{ broken' }).then(() => null, (e) => e));
  check(failed !== null && /Syntax Error/.test(JSON.stringify(failed.message || failed)), 'legacy error ' + JSON.stringify(failed));
  await within(STEP, 'a ka', (async () => { while (kas < 1) await sleep(20); })());
  client.close();
  note('subscriptions-transport-ws done');
}

scenario(SCENARIO, async (base) => {
  await modern(base);
  await legacy(base);
});
