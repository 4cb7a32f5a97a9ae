// tests/server/shutdown_test.js: SIGTERM drains the request in flight (it still gets its
// answer), closes idle keep-alive connections and WebSockets, and exits 0.
'use strict';

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { startSessd, shopFiles, LAB } = require('./lib/sessd');
const { Client, request } = require('./lib/http');
const { openSocket } = require('./lib/ws');
const { expectStatus } = require('./lib/expect');


describe('sessd shutdown', () => {
  it('SIGTERM drains in-flight requests and exits 0', async () => {
    const server = await startSessd({ config: { session_type: 'app', runtime: { rate_limit: 0 } },
                                      load: [...shopFiles(), LAB] });
    const admin = new Client(server.url, { headers: server.adminHeaders });
    expectStatus(await admin.post('/api/sessions', { id: 'drain', type: 'lab' }), 201, 'start drain');
    // An idle keep-alive connection and an open WebSocket must not hold the exit back.
    const agent = new http.Agent({ keepAlive: true });
    expectStatus(await request(server.url, { path: '/healthz', agent }), 200, 'keep-alive GET');
    const visitor = new Client(server.url);
    await visitor.get('/api/me/state');
    const socket = await openSocket(`${server.wsUrl}/api/me/ws`, { cookie: visitor.cookie });
    await socket.subscribe('counter.count', 'c');

    // A long dispatch is in flight when the signal arrives.
    const xs = Array.from({ length: 4000 }, (_, i) => i);
    const inFlight = request(server.url, {
      method: 'POST', path: '/api/sessions/drain/dispatch', headers: server.adminHeaders,
      body: { type: 'lab.spin', payload: xs },
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const started = Date.now();
    const { code, signal } = await server.stop('SIGTERM', 20000);
    assert.equal(signal, null, `sessd died of ${signal}; log:\n${server.log()}`);
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
    const reply = await inFlight;
    expectStatus(reply, 200, 'the dispatch in flight at SIGTERM');
    assert.ok(Date.now() - started < 15000, 'exit took longer than the drain timeout allows');
    const closed = await Promise.race([socket.closed, new Promise((r) => setTimeout(() => r(null), 2000))]);
    assert.ok(closed, 'the WebSocket was closed by the shutdown');
    agent.destroy();
  });
});
