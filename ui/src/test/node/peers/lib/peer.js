'use strict';
// What every peer script shares: the readiness line, a deadline, checks that fail loudly, and a clean exit.
// A server prints `listening <port>` and runs until its standard input closes (the Java harness holds it open), so
// no server outlives the test that started it. A client prints `ok` and exits 0 only when every check passed.

/**
 * Deadlines that hold on a loaded machine (the CI machine runs several builds at once): one step of a scenario, and
 * a whole scenario (the Java harness waits 60 s for it).
 */
const STEP = 20000;
const SCENARIO = 50000;

function fail(message) {
  process.stdout.write(JSON.stringify({ failure: String(message) }) + '\n');
  process.stderr.write('FAILED: ' + message + '\n');
  process.exit(1);
}

process.on('uncaughtException', (e) => fail('uncaught: ' + (e && e.stack || e)));
process.on('unhandledRejection', (e) => fail('unhandled rejection: ' + (e && e.stack || e)));

function deadline(ms, what) {
  const t = setTimeout(() => fail(`${what} did not finish within ${ms} ms`), ms);
  t.unref();
}

function listening(port) {
  process.stdout.write(`listening ${port}\n`);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

function check(condition, message) {
  if (!condition) fail(message);
}

function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) fail(`${what}: expected ${e}, got ${a}`);
}

/** A promise that rejects with a clear message when `ms` pass first. */
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once `emitter` emits `event` (with its arguments as an array). */
function once(emitter, event, ms = STEP) {
  return within(ms, `waiting for '${event}'`, new Promise((resolve) => emitter.once(event, (...args) => resolve(args))));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function note(what) {
  process.stdout.write(JSON.stringify({ step: what }) + '\n');
}

function ok() {
  process.stdout.write('ok\n');
  process.exit(0);
}

/**
 * Waits until every WebSocket the tap saw is closed (close handshake done), so that the process does not exit with
 * messages the proxy relayed to it still unread (a library's stop() may resolve before its socket has closed).
 */
async function allClosed(ms = STEP) {
  const sockets = global.__sockscopeTapSockets;
  if (!sockets) return;
  await within(ms, 'every WebSocket closed', (async () => {
    while ([...sockets].some((ws) => ws.readyState !== 3)) await sleep(20);
  })());
}

/**
 * Runs a client scenario: the proxy's base URL is argv[2]; `ok` once it resolves and every socket has closed, a
 * failure when it throws.
 */
function scenario(ms, body) {
  const base = process.argv[2];
  if (!base) fail('usage: node client.js ws://HOST:PORT');
  deadline(ms, 'the scenario');
  body(base).then(() => allClosed()).then(ok, (e) => fail(e && e.stack || e));
}

module.exports = { STEP, SCENARIO, fail, deadline, listening, check, equal, within, once, sleep, note, ok, scenario };
