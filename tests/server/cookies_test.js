// tests/server/cookies_test.js: the session cookie (issued, kept, tampering ignored and
// replaced, surviving a restart) and the isolation it buys: a client's cookie can never read
// or change another session; the admin token can.
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSessd } = require('./lib/sessd');
const { Client, setCookieLine, sessionCookieOf } = require('./lib/http');
const { openSocket } = require('./lib/ws');
const { expectStatus } = require('./lib/expect');

const COOKIE_SHAPE = /^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]+=*$/;

// A cookie value with one character of the part at `which` (0 = id, 1 = mac) changed.
function tamper(cookie, which) {
  const parts = cookie.split('.');
  const part = parts[which];
  const at = Math.floor(part.length / 2);
  parts[which] = part.slice(0, at) + (part[at] === 'A' ? 'B' : 'A') + part.slice(at + 1);
  return parts.join('.');
}

describe('sessd session cookie', () => {
  let server;
  let admin;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sessd-cookie-data-'));

  const countOf = async (client) => (await client.get('/api/me/state?select=counter.count')).json;

  before(async () => {
    server = await startSessd({ config: { runtime: { rate_limit: 0 } }, dataDir });
    admin = new Client(server.url, { headers: server.adminHeaders });
  });
  after(async () => {
    const { code } = await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
  });

  it('a request without a cookie gets one of the specified form', async () => {
    const reply = await new Client(server.url).get('/');
    const line = setCookieLine(reply);
    assert.ok(line, `no Set-Cookie: ${JSON.stringify(reply.headers)}`);
    assert.match(sessionCookieOf(reply), COOKIE_SHAPE);
    const attributes = line.split(';').slice(1).map((a) => a.trim().toLowerCase());
    for (const wanted of ['path=/', 'httponly', 'samesite=lax']) {
      assert.ok(attributes.includes(wanted), `Set-Cookie lacks ${wanted}: ${line}`);
    }
  });

  it('a valid cookie is kept: no new one, the same session every time', async () => {
    const visitor = new Client(server.url);
    await visitor.post('/api/me/dispatch', { type: 'counter.increment' });
    const cookie = visitor.cookie;
    const again = await visitor.post('/api/me/dispatch', { type: 'counter.increment' });
    expectStatus(again, 200, 'second dispatch with the cookie');
    const renewed = sessionCookieOf(again);
    assert.ok(renewed === undefined || renewed === cookie, `cookie replaced: ${renewed}`);
    assert.equal(await countOf(visitor), 2);
  });

  it('distinct cookies give distinct random ids', async () => {
    const ids = new Set();
    for (let i = 0; i < 20; i++) ids.add(sessionCookieOf(await new Client(server.url).get('/')));
    assert.equal(ids.size, 20);
  });

  for (const [what, change] of [
    ['a changed mac', (c) => tamper(c, 1)],
    ['a changed id', (c) => tamper(c, 0)],
    ['no mac', (c) => c.split('.')[0]],
    ['an empty mac', (c) => `${c.split('.')[0]}.`],
    ['garbage', () => 'not-a-cookie'],
  ]) {
    it(`a cookie with ${what} is ignored and replaced`, async () => {
      const owner = new Client(server.url);
      await owner.post('/api/me/dispatch', { type: 'counter.add', payload: 7 });
      const forged = new Client(server.url, { cookie: change(owner.cookie) });
      const reply = await forged.post('/api/me/dispatch', { type: 'counter.reset' });
      expectStatus(reply, 200, `dispatch with ${what}`);
      const issued = sessionCookieOf(reply);
      assert.ok(issued && issued !== owner.cookie && COOKIE_SHAPE.test(issued),
                `expected a fresh cookie, got ${issued}`);
      assert.notEqual(forged.sessionId, owner.sessionId);
      assert.equal(await countOf(owner), 7, 'the forged cookie reached the owner\'s session');
    });
  }

  it('a cookie signed by another server (another secret) is replaced', async () => {
    const other = await startSessd({ config: { runtime: { rate_limit: 0 } } });
    try {
      const foreign = new Client(other.url);
      await foreign.get('/');
      const here = new Client(server.url, { cookie: foreign.cookie });
      const reply = await here.get('/api/me/state');
      const issued = sessionCookieOf(reply);
      assert.ok(issued && issued !== foreign.cookie, `foreign cookie accepted: ${issued}`);
    } finally {
      await other.stop();
    }
  });

  it('a client cannot read or change another client\'s session; the admin can', async () => {
    const alice = new Client(server.url);
    const mallory = new Client(server.url);
    await alice.post('/api/me/dispatch', { type: 'counter.add', payload: 3 });
    await mallory.get('/');
    const target = `/api/sessions/${alice.sessionId}`;
    const attempts = [
      ['GET', target],
      ['GET', `${target}/state`],
      ['GET', `${target}/history`],
      ['POST', `${target}/dispatch`, { type: 'counter.reset' }],
      ['POST', `${target}/call`, { query: 'counter.double' }],
      ['DELETE', `${target}/tasks/1`],
      ['DELETE', target],
    ];
    for (const client of [mallory, new Client(server.url)]) {
      for (const [method, route, body] of attempts) {
        const reply = await client.request(method, route, { body });
        assert.ok([401, 403, 404].includes(reply.status),
                  `${method} ${route} with another cookie: expected 401/403/404, got ${reply.status} ${reply.text}`);
      }
    }
    // Alice's own cookie opens the same routes, and the admin's token too.
    expectStatus(await alice.get(`${target}/state`), 200, 'the owner reads its session by id');
    assert.equal(await countOf(alice), 3, 'the refused requests changed nothing');
    expectStatus(await admin.post(`${target}/dispatch`, { type: 'counter.increment' }), 200,
                 'the admin dispatches to alice');
    assert.equal((await admin.get(`${target}/state?select=counter.count`)).json, 4);
  });

  it('a client cannot open another session\'s WebSocket', async () => {
    const alice = new Client(server.url);
    const mallory = new Client(server.url);
    await alice.get('/api/me/state');
    await mallory.get('/');
    await assert.rejects(openSocket(`${server.wsUrl}/api/sessions/${alice.sessionId}/ws`,
                                    { cookie: mallory.cookie }),
                         (error) => [401, 403, 404].includes(error.status));
    const own = await openSocket(`${server.wsUrl}/api/sessions/${alice.sessionId}/ws`,
                                 { cookie: alice.cookie });
    await own.close();
  });

  it('admin routes need the admin token: 401 without, 401/403 with a wrong one', async () => {
    const visitor = new Client(server.url);
    const wrong = new Client(server.url, { headers: { Authorization: 'Bearer wrong-token' } });
    const notBearer = new Client(server.url, { headers: { Authorization: `Basic ${server.adminToken}` } });
    const routes = [['GET', '/api/sessions'], ['GET', '/admin/modules'],
                    ['PUT', '/admin/modules/counter', 'reducer counter { state { count: int = 0; } }']];
    for (const [method, route, source] of routes) {
      const options = source ? { body: source, headers: { 'Content-Type': 'text/plain' } } : {};
      expectStatus(await visitor.request(method, route, options), 401, `${method} ${route} without a token`);
      for (const client of [wrong, notBearer]) {
        const reply = await client.request(method, route, options);
        assert.ok(reply.status === 401 || reply.status === 403,
                  `${method} ${route} with a wrong token: ${reply.status} ${reply.text}`);
      }
    }
  });

  it('the cookie secret survives a restart on the same --data', async () => {
    const visitor = new Client(server.url);
    await visitor.get('/');
    const cookie = visitor.cookie;
    const { code } = await server.stop();
    assert.equal(code, 0);
    server = await startSessd({ config: { runtime: { rate_limit: 0 } }, dataDir });
    admin = new Client(server.url, { headers: server.adminHeaders });
    const back = new Client(server.url, { cookie });
    const reply = await back.get('/api/me/state');
    expectStatus(reply, 200, 'GET /api/me/state after the restart');
    const renewed = sessionCookieOf(reply);
    assert.ok(renewed === undefined || renewed === cookie, `cookie replaced after restart: ${renewed}`);
  });
});
