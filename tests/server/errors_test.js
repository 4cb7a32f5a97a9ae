// tests/server/errors_test.js: each error status of SERVER.md, provoked by the request that
// should cause it, with the spec's error body; and bad input never takes the server down.
// (401/403 on foreign sessions: cookies_test.js; 429/503/504: limits_test.js.)
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSessd } = require('./lib/sessd');
const { Client } = require('./lib/http');
const { connect, exchange, statusOf } = require('./lib/raw');
const { expectStatus, expectErrorBody } = require('./lib/expect');
const { putFile } = require('./lib/modules');

const MIB = 1024 * 1024;

describe('sessd error statuses', () => {
  let server;
  let admin;

  const dispatch = (body, headers) =>
    admin.request('POST', '/api/sessions/errs/dispatch', { body, headers });
  const count = async () => (await admin.get('/api/sessions/errs/state?select=counter.count')).json;

  before(async () => {
    server = await startSessd({ config: { runtime: { rate_limit: 0 } } });
    admin = new Client(server.url, { headers: server.adminHeaders });
    expectStatus(await admin.post('/api/sessions', { id: 'errs', type: 'app' }), 201, 'start errs');
  });
  after(async () => {
    const { code } = await server.stop();
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
  });

  it('400 on malformed JSON', async () => {
    for (const body of ['{"type": ', 'not json', '{"type": "counter.increment",}', '', '\u00ff\u00fe']) {
      expectStatus(await dispatch(body, { 'Content-Type': 'application/json' }), 400,
                   `dispatch with body ${JSON.stringify(body)}`);
    }
    expectStatus(await admin.request('POST', '/api/sessions',
                                     { body: '{"id": "x"', headers: { 'Content-Type': 'application/json' } }),
                 400, 'start with malformed JSON');
    assert.equal(await count(), 0);
  });

  it('400 on a JSON body that is not an object', async () => {
    for (const body of ['[]', '"counter.increment"', '42', 'null']) {
      expectStatus(await dispatch(body, { 'Content-Type': 'application/json' }), 400,
                   `dispatch with body ${body}`);
    }
  });

  it('400 on invalid session ids, in the body and in the path', async () => {
    for (const id of ['a b', 'a/b', 'x'.repeat(65), 'é', '', 'a\n', 'a.b']) {
      const reply = await admin.post('/api/sessions', { id });
      expectStatus(reply, 400, `start with id ${JSON.stringify(id)}`);
    }
    expectStatus(await admin.post('/api/sessions', { id: 7 }), 400, 'start with a numeric id');
    for (const id of ['a%20b', 'x'.repeat(65), '%C3%A9']) {
      expectStatus(await admin.get(`/api/sessions/${id}`), 400, `GET /api/sessions/${id}`);
    }
  });

  it('400 invalid_session_id with the JSON error shape for a bad id in any session path', async () => {
    const routes = [
      ['POST', (id) => `/api/sessions/${id}/dispatch`, { type: 'counter.increment' }],
      ['POST', (id) => `/api/sessions/${id}/call`, { query: 'counter.double' }],
      ['GET', (id) => `/api/sessions/${id}/state`],
      ['GET', (id) => `/api/sessions/${id}/history`],
      ['GET', (id) => `/api/sessions/${id}`],
      ['DELETE', (id) => `/api/sessions/${id}`],
      ['DELETE', (id) => `/api/sessions/${id}/tasks/1`],
    ];
    // A newline, a 65-byte id (one over the limit), a space, a dot, a NUL.
    for (const id of ['bad%0Aid', 'y'.repeat(65), 'a%20b', 'a.b', 'a%00b']) {
      for (const [method, path, body] of routes) {
        // With the admin token and without: a bad id is 400 before any ownership check.
        for (const client of [admin, new Client(server.url)]) {
          const reply = await client.request(method, path(id), body ? { body } : {});
          expectStatus(reply, 400, `${method} ${path(id)}`);
          expectErrorBody(reply, `${method} ${path(id)}`);
          assert.equal(reply.json.error.code, 'invalid_session_id', `${method} ${path(id)}`);
          assert.match(reply.headers['content-type'], /^application\/json/);
        }
      }
    }
    // Exactly 64 bytes is a valid id: it names no session, so the admin gets 404.
    const longest = 'z'.repeat(64);
    const reply = await admin.post(`/api/sessions/${longest}/dispatch`, { type: 'counter.increment' });
    expectStatus(reply, 404, 'dispatch to an unknown 64-byte id');
    assert.equal(reply.json.error.code, 'session_not_found');
  });

  it('400 on a missing or non-string type', async () => {
    for (const body of [{}, { type: 5 }, { type: null }, { type: ['counter.increment'] },
                        { payload: 1 }]) {
      expectStatus(await dispatch(body), 400, `dispatch ${JSON.stringify(body)}`);
    }
    assert.equal(await count(), 0);
  });

  it('400 on a payload of the wrong type; the state is unchanged', async () => {
    const reply = await dispatch({ type: 'counter.set', payload: 'ten' });
    expectStatus(reply, 400, 'dispatch counter.set "ten"');
    assert.equal(await count(), 0);
    expectStatus(await dispatch({ type: 'cart.add', payload: { sku: 'X' } }), 400,
                 'dispatch cart.add with a record missing fields');
    assert.deepEqual((await admin.get('/api/sessions/errs/state?select=cart.items')).json, []);
  });

  it('400 on a call without a string query', async () => {
    expectStatus(await admin.post('/api/sessions/errs/call', {}), 400, 'call {}');
    expectStatus(await admin.post('/api/sessions/errs/call', { query: 3 }), 400, 'call {"query": 3}');
  });

  it('404 on an unknown session, route or query', async () => {
    const info = await admin.get('/api/sessions/nosuch');
    expectStatus(info, 404, 'GET /api/sessions/nosuch');
    assert.equal(info.json.error.code, 'session_not_found');
    expectStatus(await admin.post('/api/sessions/nosuch/dispatch', { type: 'counter.increment' }),
                 404, 'dispatch to nosuch');
    expectStatus(await admin.get('/api/sessions/nosuch/state'), 404, 'state of nosuch');
    expectStatus(await admin.delete('/api/sessions/nosuch'), 404, 'DELETE nosuch');
    expectStatus(await admin.get('/no/such/route'), 404, 'GET /no/such/route');
  });

  it('405 with Allow on a known path under another method', async () => {
    const reply = await admin.delete('/healthz');
    expectStatus(reply, 405, 'DELETE /healthz');
    assert.match(String(reply.headers.allow), /GET/);
  });

  it('409 when the session is already started', async () => {
    const reply = await admin.post('/api/sessions', { id: 'errs', type: 'app' });
    expectStatus(reply, 409, 'start errs again');
    assert.equal(reply.json.error.code, 'already_started');
  });

  it('413 on a body over 1 MiB, even when the server answers before reading it all', async () => {
    const body = JSON.stringify({ type: 'counter.set', payload: 1, pad: 'x'.repeat(MIB + 16) });
    const head = `POST /api/sessions/errs/dispatch HTTP/1.1\r\nHost: t\r\n` +
                 `Authorization: Bearer ${server.adminToken}\r\nContent-Type: application/json\r\n` +
                 `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const answer = await exchange(server.port, [head, body]);
    assert.equal(statusOf(answer), 413, `raw answer: ${answer.slice(0, 300)}`);
    assert.equal(await count(), 0, 'the oversized action was not applied');
    // Just under the limit is fine (the padding is an ignored member of the action).
    const fits = await dispatch(JSON.stringify({ type: 'counter.increment', pad: 'x'.repeat(MIB - 100) }),
                                { 'Content-Type': 'application/json' });
    expectStatus(fits, 200, 'dispatch of a body just under 1 MiB');
    assert.equal(await count(), 1);
    await dispatch({ type: 'counter.reset' });
  });

  it('413 for an oversized body sent in one write: the reply arrives, then a clean close', async () => {
    // All of it at once: the server answers after the header, while most of the body is still
    // in flight. Closing with that input unread would reset the connection (and could destroy
    // the reply in the client's kernel); the server must half-close and drain instead.
    const body = JSON.stringify({ type: 'counter.set', payload: 1, pad: 'x'.repeat(2 * MIB) });
    const request = `POST /api/sessions/errs/dispatch HTTP/1.1\r\nHost: t\r\n` +
                    `Authorization: Bearer ${server.adminToken}\r\nContent-Type: application/json\r\n` +
                    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const socket = await connect(server.port);
    const chunks = [];
    let failure = null;
    let endedByServer = false;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (e) => { failure = e; });
    socket.on('end', () => { endedByServer = true; });
    const closed = new Promise((resolve, reject) => {
      const limit = setTimeout(() => reject(new Error('the connection stayed open')), 10000);
      socket.on('close', () => { clearTimeout(limit); resolve(); });
    });
    socket.write(request);
    await closed;
    const answer = Buffer.concat(chunks).toString('latin1');
    assert.equal(failure, null, `the client saw ${failure && failure.code}; answer: ${answer.slice(0, 200)}`);
    assert.ok(endedByServer, 'the server half-closed (FIN), it did not reset');
    assert.equal(statusOf(answer), 413, `raw answer: ${answer.slice(0, 300)}`);
    assert.match(answer, /\r\nConnection: close\r\n/i);
    const error = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    assert.equal(error.error.code, 'payload_too_large');
    assert.equal(typeof error.error.message, 'string');
    assert.equal(await count(), 0, 'the oversized action was not applied');
  });

  it('413 on a chunked body over 1 MiB', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const parts = [`POST /api/sessions/errs/dispatch HTTP/1.1\r\nHost: t\r\n` +
                   `Authorization: Bearer ${server.adminToken}\r\nContent-Type: application/json\r\n` +
                   `Transfer-Encoding: chunked\r\n\r\n`];
    for (let i = 0; i < 20; i++) parts.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    parts.push('0\r\n\r\n');
    const answer = await exchange(server.port, parts);
    assert.equal(statusOf(answer), 413, `raw answer: ${answer.slice(0, 300)}`);
  });

  it('415 on a wrong content type', async () => {
    const body = JSON.stringify({ type: 'counter.increment' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      expectStatus(await dispatch(body, { 'Content-Type': type }), 415, `dispatch as ${type}`);
    }
    expectStatus(await admin.put('/admin/modules/counter', '{"source": "x"}',
                                 { headers: { 'Content-Type': 'application/json' } }),
                 415, 'PUT a module as application/json');
    assert.equal(await count(), 0);
  });

  it('422 with JSON diagnostics on a module that does not compile; the old one stays', async () => {
    const broken = 'reducer counter {\n  state { count: int = 0; }\n  on "increment" { count += "one"; }\n}\n';
    const reply = await putFile(admin, 'counter.reducer', broken);
    expectStatus(reply, 422, 'PUT a module with a type error');
    assert.match(reply.text, /"line"|:3:/, `diagnostics should point at line 3: ${reply.text}`);
    expectStatus(await dispatch({ type: 'counter.increment' }), 200, 'dispatch after the failed load');
    assert.equal(await count(), 1);
    await dispatch({ type: 'counter.reset' });
  });

  it('422 on an action rejected by a reducer fault; the state is unchanged', async () => {
    const max = '9223372036854775807';
    expectStatus(await dispatch(`{"type": "counter.set", "payload": ${max}}`,
                                { 'Content-Type': 'application/json' }), 200, 'set to INT64_MAX');
    const reply = await dispatch({ type: 'counter.increment' });
    expectStatus(reply, 422, 'increment past INT64_MAX (integer overflow)');
    const raw = await admin.get('/api/sessions/errs/state?select=counter.count');
    assert.equal(raw.text.trim(), max, 'the faulting action left the state as it was');
    expectStatus(await dispatch({ type: 'counter.reset' }), 200, 'the session goes on after a fault');
    assert.equal(await count(), 0);
  });

  it('bad input never crashes the server', async () => {
    const garbage = [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: -5\r\n\r\n',
      'POST /api/me/dispatch HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999\r\n\r\n',
      `GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(200000)}\r\n\r\n`,
      'GET /api/sessions/%zz HTTP/1.1\r\nHost: t\r\n\r\n',
      '\x00\x01\x02\x03\r\n\r\n',
    ];
    for (const request of garbage) {
      const answer = await exchange(server.port, request, { quietMs: 300, timeoutMs: 3000 });
      const status = statusOf(answer);
      assert.ok(status === undefined || (status >= 400 && status < 500),
                `${JSON.stringify(request.slice(0, 60))} -> ${answer.slice(0, 100)}`);
    }
    // Deep nesting must not overflow a recursive parser; strange selectors are just errors.
    const deep = '['.repeat(500000) + ']'.repeat(500000);
    const nested = await dispatch(`{"type": "counter.set", "payload": ${deep}}`,
                                  { 'Content-Type': 'application/json' });
    assert.ok(nested.status === 400 || nested.status === 413, `deep JSON -> ${nested.status}`);
    for (const select of ['counter.count.x', '...', 'counter..count', '%00', 'nosuch']) {
      const reply = await admin.get(`/api/sessions/errs/state?select=${select}`);
      assert.ok(reply.status === 400 || reply.status === 404 || reply.status === 422 ||
                (reply.status === 200 && reply.json === null), `select=${select} -> ${reply.status}`);
      if (reply.status >= 400) expectErrorBody(reply, `select=${select}`);
    }
    expectStatus(await admin.get('/healthz'), 200, 'GET /healthz after the garbage');
    assert.equal(server.child.exitCode, null, 'sessd is still running');
  });
});
