'use strict';
// The SignalR scenario with the official `@microsoft/signalr` client (JSON hub protocol over WebSockets, which in
// Node is the `ws` package, offering permessage-deflate). The Sockscope route relays WebSocket upgrades only (a plain
// HTTP request gets 426), so the client skips the negotiate POST and opens the WebSocket directly
// (skipNegotiation), which the client supports for WebSockets. Covers: handshake, Echo (completion with a result),
// Notify (completion without one, then a server-to-client invocation), Fire (non-blocking send), Counter (a server
// stream: StreamItem ×5 + Completion), Sum (a client-to-server stream), Fail (an error completion), pings both ways.
const signalR = require('@microsoft/signalr');
const { STEP, SCENARIO, scenario, within, equal, check, note, sleep } = require('../lib/peer');

scenario(SCENARIO, async (base) => {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`${base.replace(/^ws/, 'http')}/chat`, {
      skipNegotiation: true,
      transport: signalR.HttpTransportType.WebSockets,
      accessTokenFactory: () => 's3cr3t-signalr-token',
    })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.keepAliveIntervalInMilliseconds = 150;
  const notified = new Promise((resolve) => connection.on('notified', (...args) => resolve(args)));
  const fired = new Promise((resolve) => connection.on('fired', (...args) => resolve(args)));
  await within(STEP, 'handshake', connection.start());
  note('connected');

  equal(await within(STEP, 'Echo', connection.invoke('Echo', { text: 'hello' })), { text: 'hello' }, 'Echo');
  check(await within(STEP, 'Notify', connection.invoke('Notify', 'ready')) === undefined, 'Notify has no result');
  equal(await within(STEP, 'notified', notified), ['ready', { at: 'server' }], 'server-to-client invocation');
  await connection.send('Fire', 'and forget');
  equal(await within(STEP, 'fired', fired), ['and forget'], 'fired');

  const items = await within(STEP, 'Counter stream', new Promise((resolve, reject) => {
    const got = [];
    connection.stream('Counter', 5, 20).subscribe({ next: (i) => got.push(i), error: reject, complete: () => resolve(got) });
  }));
  equal(items, [1, 2, 3, 4, 5], 'stream items');

  const subject = new signalR.Subject();
  const sum = connection.invoke('Sum', subject);
  for (const n of [10, 20, 12]) {
    subject.next(n);
    await sleep(10);
  }
  subject.complete();
  equal(await within(STEP, 'Sum', sum), 42, 'client-to-server stream');

  const failure = await within(STEP, 'Fail', connection.invoke('Fail').then(() => null, (e) => e));
  check(failure && /HubException: the hub refused/.test(failure.message), 'error completion ' + (failure && failure.message));

  await sleep(400); // a few pings each way
  await connection.stop();
});
