// tests/server/routes_test.js: every route of SERVER.md answers as specified when used right.
// (Wrong uses and their status codes: errors_test.js.)
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSessd, shopFiles, LAB } = require('./lib/sessd');
const { Client, sessionCookieOf } = require('./lib/http');
const { expectStatus, expectJsonContentType, listHasSession } = require('./lib/expect');

describe('sessd routes', () => {
  let server;
  let admin;

  before(async () => {
    server = await startSessd({ config: { session_type: 'app', runtime: { rate_limit: 0 } },
                                load: [...shopFiles(), LAB] });
    admin = new Client(server.url, { headers: server.adminHeaders });
  });
  after(async () => {
    const { code } = await server.stop();
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
  });

  it('GET /healthz answers 200', async () => {
    expectStatus(await admin.get('/healthz'), 200, 'GET /healthz');
  });

  it('GET / serves the self-contained demo page with a session cookie', async () => {
    const browser = new Client(server.url);
    const page = await browser.get('/');
    expectStatus(page, 200, 'GET /');
    assert.match(String(page.headers['content-type']), /^text\/html/);
    for (const id of ['count', 'inc', 'dec', 'reset', 'clear', 'cart-total', 'status']) {
      assert.ok(page.text.includes(`id="${id}"`), `demo page lacks #${id}`);
    }
    assert.doesNotMatch(page.text, /(src|href)\s*=\s*["']?(https?:)?\/\//i,
                        'the demo page must not load anything from elsewhere');
    assert.ok(sessionCookieOf(page), 'GET / without a cookie issues one');
  });

  it('POST /api/sessions starts a session with id, type and args (201)', async () => {
    const started = await admin.post('/api/sessions', { id: 'alpha', type: 'app', args: { start: 5 } });
    expectStatus(started, 201, 'POST /api/sessions {"id":"alpha"}');
    expectJsonContentType(started);
    assert.equal(started.json.id, 'alpha');
    const count = await admin.get('/api/sessions/alpha/state?select=counter.count');
    expectStatus(count, 200, 'GET state?select=counter.count');
    assert.equal(count.json, 5, 'init(args) set counter.count from args.start');
  });

  it('POST /api/sessions without an id makes one up', async () => {
    const started = await admin.post('/api/sessions', {});
    expectStatus(started, 201, 'POST /api/sessions {}');
    assert.match(started.json.id, /^[A-Za-z0-9_-]{1,64}$/);
    const info = await admin.get(`/api/sessions/${started.json.id}`);
    expectStatus(info, 200, 'GET info of the made-up id');
  });

  it('GET /api/sessions lists ids with their type (admin)', async () => {
    const list = await admin.get('/api/sessions');
    expectStatus(list, 200, 'GET /api/sessions');
    assert.ok(listHasSession(list.json, 'alpha', 'app'), `alpha/app missing in ${list.text}`);
  });

  it('GET /api/sessions/{id} tells type, start, last activity and expiry', async () => {
    const info = await admin.get('/api/sessions/alpha');
    expectStatus(info, 200, 'GET /api/sessions/alpha');
    assert.equal(info.json.type, 'app');
    const keys = Object.keys(info.json).join(' ');
    for (const part of [/start/, /activ/, /expir/]) assert.match(keys, part, `info keys: ${keys}`);
  });

  it('POST /api/sessions/{id}/dispatch applies an action (200 {"ok": true})', async () => {
    const reply = await admin.post('/api/sessions/alpha/dispatch', { type: 'counter.increment' });
    expectStatus(reply, 200, 'dispatch counter.increment');
    assert.deepEqual(reply.json, { ok: true });
    const added = await admin.post('/api/sessions/alpha/dispatch',
                                   { type: 'counter.add', payload: 10, meta: { source: 'test' } });
    expectStatus(added, 200, 'dispatch counter.add 10 with meta');
    const count = await admin.get('/api/sessions/alpha/state?select=counter.count');
    assert.equal(count.json, 16);
  });

  it('GET /api/sessions/{id}/state returns the whole state or a selected part', async () => {
    const state = await admin.get('/api/sessions/alpha/state');
    expectStatus(state, 200, 'GET state');
    assert.deepEqual(Object.keys(state.json).sort(), ['cart', 'counter', 'user']);
    assert.equal(state.json.counter.count, 16);
    assert.deepEqual(state.json.counter.history, [10]);
    const history = await admin.get('/api/sessions/alpha/state?select=counter.history');
    assert.deepEqual(history.json, [10]);
  });

  it('POST /api/sessions/{id}/call runs a query, with and without args', async () => {
    const double = await admin.post('/api/sessions/alpha/call', { query: 'counter.double' });
    expectStatus(double, 200, 'call counter.double');
    assert.deepEqual(double.json, { value: 32 });
    const theme = await admin.post('/api/sessions/alpha/call',
                                   { query: 'user.preference', args: 'theme' });
    expectStatus(theme, 200, 'call user.preference "theme"');
    assert.deepEqual(theme.json, { value: 'light' });
  });

  it('GET /api/sessions/{id}/history lists the recent actions', async () => {
    const history = await admin.get('/api/sessions/alpha/history');
    expectStatus(history, 200, 'GET history');
    assert.ok(history.text.includes('counter.increment') && history.text.includes('counter.add'),
              `history lacks the dispatched actions: ${history.text}`);
  });

  it('dispatch with meta.async answers 202 with a task', async () => {
    const reply = await admin.post('/api/sessions/alpha/dispatch',
                                   { type: 'user.fetch', payload: 7, meta: { async: true } });
    expectStatus(reply, 202, 'async dispatch user.fetch');
    assert.ok(reply.json.task !== undefined && reply.json.task !== null, reply.text);
  });

  it('DELETE /api/sessions/{id}/tasks/{task} cancels an async task before it finishes', async () => {
    expectStatus(await admin.post('/api/sessions', { id: 'tasks', type: 'lab' }), 201, 'start tasks');
    const finished = async () =>
      (await admin.get('/api/sessions/tasks/state?select=lab.finished')).json;
    const later = (ms) => admin.post('/api/sessions/tasks/dispatch',
                                     { type: 'lab.later', payload: ms, meta: { async: true } });
    const cancelled = await later(1500);
    expectStatus(cancelled, 202, 'async dispatch lab.later 1500');
    const kept = await later(1000);
    expectStatus(kept, 202, 'async dispatch lab.later 1000');
    const cancel = await admin.delete(`/api/sessions/tasks/tasks/${cancelled.json.task}`);
    expectStatus(cancel, 204, `DELETE the task ${cancelled.json.task}`);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(await finished(), 1, 'the kept task finished and the cancelled one did not');
    const unknown = await admin.delete('/api/sessions/tasks/tasks/999999');
    assert.ok(unknown.status === 404 || unknown.status === 204 || unknown.status === 409,
              `cancel an unknown task: ${unknown.status} ${unknown.text}`);
  });

  it('/api/me/dispatch, /api/me/state and /api/me/call use the cookie\'s session', async () => {
    const visitor = new Client(server.url);
    const first = await visitor.post('/api/me/dispatch', { type: 'counter.add', payload: 4 });
    expectStatus(first, 200, 'POST /api/me/dispatch without a cookie (starts the session)');
    assert.ok(visitor.cookie, 'the first /api/me call issues a cookie');
    await visitor.post('/api/me/dispatch', { type: 'counter.increment' });
    const count = await visitor.get('/api/me/state?select=counter.count');
    expectStatus(count, 200, 'GET /api/me/state?select=counter.count');
    assert.equal(count.json, 5);
    const whole = await visitor.get('/api/me/state');
    assert.equal(whole.json.counter.count, 5);
    const double = await visitor.post('/api/me/call', { query: 'counter.double' });
    assert.deepEqual(double.json, { value: 10 });
    const me = await visitor.get('/api/me');
    expectStatus(me, 200, 'GET /api/me');
    assert.equal(me.json.type, 'app');
    const history = await visitor.get('/api/me/history');
    expectStatus(history, 200, 'GET /api/me/history');
    assert.ok(history.text.includes('counter.add'), history.text);
    // The cookie's id is a real session, visible to the admin.
    const info = await admin.get(`/api/sessions/${visitor.sessionId}`);
    expectStatus(info, 200, 'the admin sees the cookie session');
  });

  it('GET /admin/modules lists the loaded modules with versions (admin)', async () => {
    const modules = await admin.get('/admin/modules');
    expectStatus(modules, 200, 'GET /admin/modules');
    for (const name of ['counter', 'cart', 'user']) {
      assert.ok(modules.text.includes(name), `module ${name} missing in ${modules.text}`);
    }
    assert.match(modules.text, /version/i);
  });

  it('GET /metrics answers Prometheus text', async () => {
    const metrics = await admin.get('/metrics');
    expectStatus(metrics, 200, 'GET /metrics');
    assert.match(String(metrics.headers['content-type']), /^text\/plain/);
    assert.match(metrics.text, /^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)$/m);
    assert.match(metrics.text, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfa]+$/m);
  });

  it('DELETE /api/sessions/{id} terminates (204), then the session is gone (404)', async () => {
    const gone = await admin.delete('/api/sessions/alpha');
    expectStatus(gone, 204, 'DELETE /api/sessions/alpha');
    assert.equal(gone.text, '');
    expectStatus(await admin.get('/api/sessions/alpha'), 404, 'GET info after DELETE');
    expectStatus(await admin.post('/api/sessions/alpha/dispatch', { type: 'counter.increment' }),
                 404, 'dispatch after DELETE');
  });
});
