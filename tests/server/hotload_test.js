// tests/server/hotload_test.js: PUT /admin/modules while clients keep dispatching. No request
// fails, no action is lost or applied twice (the final count equals the number of successful
// increments), existing sessions are migrated to the new state shape, and subscribers keep
// receiving pushes across the switch.
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { startSessd, SHOP } = require('./lib/sessd');
const { Client, request } = require('./lib/http');
const { openSocket } = require('./lib/ws');
const { expectStatus } = require('./lib/expect');
const { putFile, moduleHolding } = require('./lib/modules');

const V1 = fs.readFileSync(path.join(SHOP, 'counter.reducer'), 'utf8');
const V2 = fs.readFileSync(path.join(__dirname, 'fixtures', 'counter_v2.reducer'), 'utf8');

describe('sessd hot-load under traffic', () => {
  let server;
  let admin;

  const putCounter = (source) => putFile(admin, 'counter.reducer', source);

  before(async () => {
    server = await startSessd({ config: { runtime: { rate_limit: 0 } } });
    admin = new Client(server.url, { headers: server.adminHeaders });
  });
  after(async () => {
    const { code } = await server.stop();
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
  });

  it('no request fails and no action is lost while new versions are loaded', async () => {
    expectStatus(await admin.post('/api/sessions', { id: 'hot', type: 'app' }), 201, 'start hot');
    const versionOfShop = async () => {
      const name = await moduleHolding(admin, 'counter.reducer');
      return (await admin.get('/admin/modules')).json.modules.find((m) => m.name === name).version;
    };
    const before = await versionOfShop();
    const auth = { Authorization: `Bearer ${server.adminToken}` };
    const watcher = await openSocket(`${server.wsUrl}/api/sessions/hot/ws`, { headers: auth });
    await watcher.subscribe('counter.count', 'count');
    await watcher.next((m) => m.event === 'count');

    // Four HTTP clients and one WebSocket client increment until told to stop.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    let running = true;
    let succeeded = 0;
    const failures = [];
    const httpClient = async () => {
      while (running) {
        const reply = await request(server.url, {
          method: 'POST', path: '/api/sessions/hot/dispatch', agent, headers: auth,
          body: { type: 'counter.increment' },
        }).catch((error) => ({ status: 0, text: error.message }));
        if (reply.status === 200) succeeded++;
        else failures.push(`HTTP ${reply.status} ${reply.text}`);
      }
    };
    const wsClient = async () => {
      while (running) {
        const reply = await watcher.dispatch('counter.increment');
        if (reply.ok === true) succeeded++;
        else failures.push(`WS ${JSON.stringify(reply)}`);
      }
    };
    const traffic = Promise.all([httpClient(), httpClient(), httpClient(), httpClient(), wsClient()]);

    const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    await pause(300);
    const loads = [];
    for (const source of [V2, V1, V2]) {
      const reply = await putCounter(source);
      loads.push(reply);
      expectStatus(reply, 200, 'PUT /admin/modules/{shop}/counter.reducer under traffic');
      assert.ok(reply.json && reply.json.loaded !== undefined, reply.text);
      await pause(300);
    }
    running = false;
    await traffic;
    agent.destroy();

    assert.deepEqual(failures, [], 'requests failed during the hot-loads');
    assert.ok(succeeded > 50, `too little traffic to mean anything: ${succeeded}`);
    const count = await admin.get('/api/sessions/hot/state?select=counter.count');
    assert.equal(count.json, succeeded, 'final count == successful increments');
    // The session was migrated: the new field has its default, the new action works.
    const counter = (await admin.get('/api/sessions/hot/state?select=counter')).json;
    assert.equal(counter.version, 'v2');
    expectStatus(await admin.post('/api/sessions/hot/dispatch', { type: 'counter.double' }), 200,
                 'the action new in v2');
    assert.equal((await admin.get('/api/sessions/hot/state?select=counter.count')).json, succeeded * 2);
    // The subscriber kept receiving pushes across the switches, up to the last value.
    let last;
    while (last !== succeeded * 2) last = (await watcher.next((m) => m.event === 'count', 10000)).value;
    await watcher.close();
    assert.notEqual(await versionOfShop(), before, 'GET /admin/modules shows the new version');
  });

  it('sessions started after the load get the new version', async () => {
    const visitor = new Client(server.url);
    const counter = (await visitor.get('/api/me/state?select=counter')).json;
    assert.equal(counter.version, 'v2', JSON.stringify(counter));
    expectStatus(await visitor.post('/api/me/dispatch', { type: 'counter.double' }), 200, 'v2 action');
  });
});
