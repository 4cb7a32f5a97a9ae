// tests/server/limits_test.js: the retry-later statuses: 429 when sessions start faster than
// the rate limit, 503 at the session limit, 504 when a session stays busy past the call
// timeout. Each server here is configured with tiny limits so that they are reached at once.
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSessd, shopFiles, LAB } = require('./lib/sessd');
const { Client } = require('./lib/http');
const { expectStatus } = require('./lib/expect');


describe('sessd rate limit and call timeout', () => {
  let server;
  let admin;

  before(async () => {
    server = await startSessd({
      config: { session_type: 'app', runtime: { rate_limit: 3, call_timeout_ms: 200 } },
      load: [...shopFiles(), LAB],
    });
    admin = new Client(server.url, { headers: server.adminHeaders });
  });
  after(async () => {
    const { code } = await server.stop();
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
  });

  it('429 once more sessions start in a minute than rate_limit allows', async () => {
    expectStatus(await admin.post('/api/sessions', { id: 'busy', type: 'lab' }), 201, 'start 1 of 3');
    expectStatus(await admin.post('/api/sessions', { id: 'r2', type: 'app' }), 201, 'start 2 of 3');
    expectStatus(await admin.post('/api/sessions', { id: 'r3' }), 201, 'start 3 of 3');
    const over = await admin.post('/api/sessions', { id: 'r4' });
    expectStatus(over, 429, 'start 4 of 3');
    assert.equal(over.json.error.code, 'rate_limit_exceeded');
    const visitor = new Client(server.url);
    expectStatus(await visitor.post('/api/me/dispatch', { type: 'counter.increment' }), 429,
                 'the first /api/me request of a new visitor, over the rate limit');
    // Sessions already running are not limited.
    expectStatus(await admin.post('/api/sessions/r2/dispatch', { type: 'counter.increment' }), 200,
                 'dispatch to a running session');
  });

  it('504 when the session stays busy longer than the call timeout', async () => {
    const xs = Array.from({ length: 5000 }, (_, i) => i);  // 25 million steps
    const spin = await admin.post('/api/sessions/busy/dispatch',
                                  { type: 'lab.spin', payload: xs, meta: { async: true } });
    expectStatus(spin, 202, 'async dispatch lab.spin');
    const late = await admin.post('/api/sessions/busy/call', { query: 'lab.steps' });
    expectStatus(late, 504, 'call lab.steps behind a long action');
    assert.equal(late.json.error.code, 'timeout');
    // Once the action is done, the session answers again with its result.
    let steps;
    for (let i = 0; i < 600 && steps === undefined; i++) {
      const reply = await admin.post('/api/sessions/busy/call', { query: 'lab.steps' });
      if (reply.status === 200) steps = reply.json.value;
      else expectStatus(reply, 504, 'call lab.steps while the session is still busy');
    }
    assert.equal(steps, 25000000);
  });
});

describe('sessd session limit', () => {
  let server;
  let admin;

  before(async () => {
    server = await startSessd({ config: { runtime: { max_sessions: 3, rate_limit: 0 } } });
    admin = new Client(server.url, { headers: server.adminHeaders });
  });
  after(async () => {
    const { code } = await server.stop();
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
  });

  it('503 at max_sessions, and room again after a session ends', async () => {
    for (const id of ['m1', 'm2', 'm3']) {
      expectStatus(await admin.post('/api/sessions', { id }), 201, `start ${id}`);
    }
    const full = await admin.post('/api/sessions', { id: 'm4' });
    expectStatus(full, 503, 'start a 4th session with max_sessions 3');
    assert.equal(full.json.error.code, 'session_limit_reached');
    const visitor = new Client(server.url);
    expectStatus(await visitor.get('/api/me/state'), 503, 'a new visitor at the session limit');
    expectStatus(await admin.delete('/api/sessions/m1'), 204, 'DELETE m1');
    expectStatus(await admin.post('/api/sessions', { id: 'm4' }), 201, 'start m4 after m1 ended');
  });
});
