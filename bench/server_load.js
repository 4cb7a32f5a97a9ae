// bench/server_load.js: the client side of the sessd benchmarks (bench/server_bench.sh):
// starting many sessions, WebSocket fan-out with push latency, and idle sockets held open.
//
//   node bench/server_load.js sessions --url U --token T --count 10000 [--prefix b]
//   node bench/server_load.js fanout   --url U --token T --subscribers 10000 [--sessions 1]
//                                      [--rate 20] [--seconds 10]
//   node bench/server_load.js idle     --url U --token T --count 1000 [--prefix m]
//   node bench/server_load.js count    --url U --token T --count 10000 [--prefix b]
//
// Each command prints one JSON line of results. The `ws` package comes from
// tests/server/node_modules (tools/install-deps.sh installs it).
'use strict';

const http = require('node:http');
const path = require('node:path');
const WebSocket = require(path.join(__dirname, '..', 'tests', 'server', 'node_modules', 'ws'));

function options(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}

// Absolute time in microseconds, comparable between the driver and the subscribers.
const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

function post(agent, url, token, route, body) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(new URL(route, url), {
      method: 'POST', agent,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json',
                 'Content-Length': Buffer.byteLength(payload) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// Runs `count` jobs with `concurrency` in flight; resolves with how many returned true.
async function pool(count, concurrency, job) {
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (await job(i)) ok++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ok;
}

async function startSessions({ url, token, count = '10000', prefix = 'b', concurrency = '32' }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
  const started = performance.now();
  const ok = await pool(Number(count), Number(concurrency),
                        async (i) => (await post(agent, url, token, '/api/sessions',
                                                 { id: `${prefix}${i}`, type: 'app' })) === 201);
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  return { started: ok, requested: Number(count), seconds, per_second: ok / seconds };
}

function getJson(agent, url, token, route) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(route, url), {
      method: 'GET', agent, headers: { Authorization: `Bearer ${token}` },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Sums counter.count over the sessions PREFIX0 .. PREFIX(count-1): the dispatch benchmark
// checks that every answered increment took effect.
async function countIncrements({ url, token, count = '10000', prefix = 'b', concurrency = '32' }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
  let total = 0;
  let failed = 0;
  await pool(Number(count), Number(concurrency), async (i) => {
    const { status, text } = await getJson(agent, url, token,
                                           `/api/sessions/${prefix}${i}/state?select=counter.count`);
    if (status === 200) total += Number(JSON.parse(text)); else failed++;
    return status === 200;
  });
  agent.destroy();
  return { sessions: Number(count), increments: total, failed };
}

function openSocket(url, route, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + route,
                             { headers: { Authorization: `Bearer ${token}` }, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

// Opens sockets `count` at a time so that the listen backlog is never the bottleneck.
async function openMany(total, batch, open) {
  const sockets = [];
  for (let i = 0; i < total; i += batch) {
    const round = [];
    for (let j = i; j < Math.min(total, i + batch); j++) round.push(open(j));
    sockets.push(...await Promise.all(round));
  }
  return sockets;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// `subscribers` sockets spread over `sessions` sessions (f0, f1, ...), each subscribed to
// counter.count. The driver sets each session's count to the current time in microseconds
// `rate` times a second; every subscriber computes the push latency from the value it gets.
async function fanout({ url, token, subscribers = '10000', sessions = '1', rate = '20',
                        seconds = '10' }) {
  const nSessions = Number(sessions);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  await pool(nSessions, 8, async (i) => (await post(agent, url, token, '/api/sessions',
                                                     { id: `f${i}`, type: 'app' })) === 201);
  const latencies = [];
  let pushes = 0;
  let closed = 0;
  let measuring = false;
  const sockets = await openMany(Number(subscribers), 200, async (i) => {
    const ws = await openSocket(url, `/api/sessions/f${i % nSessions}/ws`, token);
    ws.on('message', (data) => {
      const message = JSON.parse(data);
      if (!measuring || message.event !== 'tick') return;
      pushes++;
      latencies.push(nowMicros() - message.value);
    });
    ws.on('close', () => { closed++; });
    ws.send(JSON.stringify({ op: 'subscribe', select: 'counter.count', event: 'tick' }));
    return ws;
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));  // the initial pushes
  measuring = true;
  const started = performance.now();
  const interval = 1000 / Number(rate);
  let changes = 0;
  let failed = 0;
  for (let tick = 0; performance.now() - started < Number(seconds) * 1000; tick++) {
    const round = [];
    for (let s = 0; s < nSessions; s++) {
      round.push(post(agent, url, token, `/api/sessions/f${s}/dispatch`,
                      { type: 'counter.set', payload: nowMicros() })
        .then((status) => { if (status === 200) changes++; else failed++; }));
    }
    await Promise.all(round);
    const due = started + (tick + 1) * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const elapsed = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 2000));  // the last pushes
  measuring = false;
  const dropped = closed;  // by the server, before we close the rest
  for (const ws of sockets) ws.terminate();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    subscribers: Number(subscribers), sessions: nSessions, changes, failed_dispatches: failed,
    expected_pushes: changes * Number(subscribers) / nSessions, pushes,
    pushes_per_second: pushes / elapsed, disconnected: dropped,
    latency_ms: { p50: percentile(latencies, 50) / 1000, p99: percentile(latencies, 99) / 1000,
                  max: percentile(latencies, 100) / 1000 },
  };
}

// Opens `count` sockets on the running sessions PREFIX0, PREFIX1, ... (one each), each
// subscribed to counter.count, prints a "ready" line and holds them until stdin closes.
async function idle({ url, token, count = '1000', prefix = 'm' }) {
  const sockets = await openMany(Number(count), 200, async (i) => {
    const ws = await openSocket(url, `/api/sessions/${prefix}${i}/ws`, token);
    ws.send(JSON.stringify({ op: 'subscribe', select: 'counter.count', event: 'c' }));
    return ws;
  });
  console.log(JSON.stringify({ ready: sockets.length }));
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on('end', resolve));
  for (const ws of sockets) ws.terminate();
  return { closed: sockets.length };
}

const commands = { sessions: startSessions, fanout, idle, count: countIncrements };
const [command, ...rest] = process.argv.slice(2);
if (!commands[command]) {
  console.error('usage: server_load.js sessions|fanout|idle|count --url URL --token TOKEN ...');
  process.exit(2);
}
commands[command](options(rest)).then((result) => {
  console.log(JSON.stringify(result));
  process.exit(0);
}, (error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
