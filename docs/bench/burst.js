// Bursts of WebSocket connections opened at once: per burst, when the TCP connects and the opens completed.
// NODE_PATH=../shared/bench/node_modules node docs/bench/burst.js ws://127.0.0.1:PORT/ [connections per burst]
// Eight bursts, 300 ms apart; the first three are a warm-up, the last five are printed.
const WebSocket = require('ws');
const url = process.argv[2]; const n = +process.argv[3] || 100;
function burst() { return new Promise(res => {
  const t0 = process.hrtime.bigint(); const conn = [], open = []; let done = 0; const socks=[];
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(url, ['bench.v1']); socks.push(ws);
    ws.on('upgrade', () => {});
    ws._req && ws._req.on('socket', s => s.on('connect', () => conn.push(Number(process.hrtime.bigint() - t0) / 1e6)));
    ws.on('open', () => { open.push(Number(process.hrtime.bigint() - t0) / 1e6); if (++done === n) { socks.forEach(s => s.close()); res({conn, open}); } });
    ws.on('error', e => { console.error(e.message); });
  }
});}
const q = (a, p) => { a = [...a].sort((x, y) => x - y); return a[Math.floor(p * (a.length - 1))].toFixed(1); };
(async () => { for (let r = 0; r < 8; r++) { const {conn, open} = await burst(); await new Promise(r => setTimeout(r, 300));
  if (r >= 3) console.log(`tcp connect p50 ${q(conn,.5)} max ${q(conn,1)} | open p50 ${q(open,.5)} p99 ${q(open,.99)}`); } })();
