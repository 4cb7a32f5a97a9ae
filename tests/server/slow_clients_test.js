// tests/server/slow_clients_test.js: clients that hold on to the server's resources. A
// WebSocket client that never reads is disconnected once its bounded queue overflows, while
// the session and its other clients go on; a client that dribbles its headers (slow loris) is
// dropped after the header timeout, while everyone else is served.
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { startSessd } = require('./lib/sessd');
const { Client, request } = require('./lib/http');
const { openSocket } = require('./lib/ws');
const { openRawSocket, textFrame } = require('./lib/raw_ws');
const { connect } = require('./lib/raw');
const { expectStatus } = require('./lib/expect');

const HEADER_TIMEOUT_MS = 2000;

// Resolves with the ms until `socket` closes, or rejects after `timeoutMs`.
function closedWithin(socket, timeoutMs) {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve(0);
    const timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve(Date.now() - start);
    };
    socket.once('close', done);
    socket.once('end', done);
  });
}

describe('sessd and slow clients', () => {
  let server;
  let admin;

  before(async () => {
    server = await startSessd({
      config: { runtime: { rate_limit: 0 }, header_timeout_ms: HEADER_TIMEOUT_MS, ws_queue_messages: 64 },
    });
    admin = new Client(server.url, { headers: server.adminHeaders });
  });
  after(async () => {
    const { code } = await server.stop();
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
  });

  it('a WebSocket client that never reads is disconnected; the session and others go on', async () => {
    expectStatus(await admin.post('/api/sessions', { id: 'slow', type: 'app' }), 201, 'start slow');
    const auth = { Authorization: `Bearer ${server.adminToken}` };
    // The sluggard subscribes to the whole counter slice, whose history grows with every add,
    // so the pushes grow too (3,000 of them: about 36 MB in all), then reads nothing more.
    const sluggard = await openRawSocket(server.port, '/api/sessions/slow/ws', { headers: auth });
    sluggard.write(textFrame(JSON.stringify({ op: 'subscribe', select: 'counter', event: 'big' })));
    const reader = await openSocket(`${server.wsUrl}/api/sessions/slow/ws`, { headers: auth });
    await reader.subscribe('counter.count', 'count');
    assert.equal((await reader.next((m) => m.event === 'count')).value, 0);

    const actions = 3000;
    const step = 1000000;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    let failures = 0;
    let next = 0;
    const worker = async () => {
      while (next < actions) {
        next++;
        const reply = await request(server.url, {
          method: 'POST', path: '/api/sessions/slow/dispatch', agent, headers: auth,
          body: { type: 'counter.add', payload: step },
        });
        if (reply.status !== 200) failures++;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    agent.destroy();
    assert.equal(failures, 0, 'dispatches failed while a client was not reading');

    // The reading client saw every change up to the last one.
    let last = 0;
    while (last !== actions * step) {
      last = (await reader.next((m) => m.event === 'count', 15000)).value;
    }
    // The sluggard was cut off: once it reads again it gets what was buffered, then the end.
    sluggard.resume();
    await closedWithin(sluggard, 20000);
    // The session still works, and so do its other clients.
    assert.equal((await reader.dispatch('counter.increment')).ok, true);
    assert.equal((await reader.next((m) => m.event === 'count')).value, actions * step + 1);
    const count = await admin.get('/api/sessions/slow/state?select=counter.count');
    assert.equal(count.json, actions * step + 1);
    await reader.close();
  });

  it('a client that sends its headers a byte at a time is dropped after the header timeout', async () => {
    const loris = [];
    for (let i = 0; i < 20; i++) {
      const socket = await connect(server.port);
      socket.on('error', () => {});
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      loris.push(socket);
    }
    const started = Date.now();
    const drip = setInterval(() => {
      for (const socket of loris) if (!socket.destroyed) socket.write('a');
    }, 250);
    try {
      // Meanwhile everyone else is served.
      for (let i = 0; i < 5; i++) {
        expectStatus(await admin.get('/healthz'), 200, 'GET /healthz beside the loris clients');
      }
      const closedAt = await Promise.all(loris.map(
        (s) => closedWithin(s, HEADER_TIMEOUT_MS + 8000).then(() => Date.now() - started)));
      const first = Math.min(...closedAt);
      assert.ok(first >= HEADER_TIMEOUT_MS - 500,
                `dropped after ${first} ms, before the ${HEADER_TIMEOUT_MS} ms header timeout`);
    } finally {
      clearInterval(drip);
      for (const socket of loris) socket.destroy();
    }
    expectStatus(await admin.get('/healthz'), 200, 'GET /healthz after the loris clients');
  });
});
