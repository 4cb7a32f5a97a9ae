// tests/server/websocket_test.js: the WebSocket ops of SERVER.md (subscribe with the current
// value first and then every change, unsubscribe, dispatch with a reply carrying the ref, error
// replies), shared by every socket of one session and by its HTTP dispatches.
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSessd } = require('./lib/sessd');
const { Client } = require('./lib/http');
const { openSocket } = require('./lib/ws');
const { expectStatus } = require('./lib/expect');

const isPush = (event) => (m) => m.event === event && 'value' in m;
const isReply = (ref) => (m) => m.op === 'reply' && m.ref === ref;

describe('sessd WebSocket', () => {
  let server;
  let admin;

  // A visitor with a cookie (its session started) and a socket on /api/me/ws.
  async function visitorWithSocket() {
    const client = new Client(server.url);
    expectStatus(await client.get('/api/me/state'), 200, 'GET /api/me/state');
    const socket = await openSocket(`${server.wsUrl}/api/me/ws`, { cookie: client.cookie });
    return { client, socket };
  }

  before(async () => {
    server = await startSessd({ config: { runtime: { rate_limit: 0 } } });
    admin = new Client(server.url, { headers: server.adminHeaders });
  });
  after(async () => {
    const { code } = await server.stop();
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
  });

  it('subscribe answers "subscribed", pushes the current value, then every change', async () => {
    const { client, socket } = await visitorWithSocket();
    await client.post('/api/me/dispatch', { type: 'counter.add', payload: 41 });
    socket.send({ op: 'subscribe', select: 'counter.count', event: 'count_changed' });
    const subscribed = await socket.next((m) => m.op === 'subscribed');
    assert.equal(typeof subscribed.sub, 'number', JSON.stringify(subscribed));
    const first = await socket.next(isPush('count_changed'));
    assert.equal(first.value, 41, JSON.stringify(first));
    const reply = await socket.dispatch('counter.increment');
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.equal((await socket.next(isPush('count_changed'))).value, 42);
    // An HTTP dispatch to the same session pushes as well.
    await client.post('/api/me/dispatch', { type: 'counter.set', payload: 7 });
    assert.equal((await socket.next(isPush('count_changed'))).value, 7);
    await socket.close();
  });

  it('pushes only when the selected value changes', async () => {
    const { socket } = await visitorWithSocket();
    await socket.subscribe('counter.count', 'count_changed');
    assert.equal((await socket.next(isPush('count_changed'))).value, 0);
    await socket.dispatch('user.set_theme', 'dark');  // another slice
    await socket.dispatch('counter.set', 0);          // same value
    await socket.dispatch('counter.increment');
    assert.equal((await socket.next(isPush('count_changed'))).value, 1, 'the first push after 0 is 1');
    assert.equal(socket.queue.filter(isPush('count_changed')).length, 0);
    await socket.close();
  });

  it('a whole slice can be selected; the event defaults to state_changed', async () => {
    const { socket } = await visitorWithSocket();
    socket.send({ op: 'subscribe', select: 'cart' });
    await socket.next((m) => m.op === 'subscribed');
    const first = await socket.next((m) => 'value' in m);
    assert.equal(first.event, 'state_changed');
    assert.deepEqual(first.value.items, []);
    const tea = { sku: 'TEA-01', name: 'Green tea', price_cents: 450, qty: 2 };
    assert.equal((await socket.dispatch('cart.add', tea)).ok, true);
    const pushed = await socket.next((m) => 'value' in m);
    assert.deepEqual(pushed.value.items, [tea]);
    await socket.close();
  });

  it('replies carry the ref, in order, and every change is pushed in order', async () => {
    const { socket } = await visitorWithSocket();
    await socket.subscribe('counter.count', 'n');
    await socket.next(isPush('n'));
    for (let ref = 1; ref <= 50; ref++) socket.send({ op: 'dispatch', type: 'counter.increment', ref });
    for (let ref = 1; ref <= 50; ref++) {
      assert.deepEqual(await socket.next(isReply(ref)), { op: 'reply', ref, ok: true });
    }
    for (let value = 1; value <= 50; value++) {
      assert.equal((await socket.next(isPush('n'))).value, value);
    }
    await socket.close();
  });

  it('an action the server rejects gets an error reply; the socket goes on', async () => {
    const { socket } = await visitorWithSocket();
    const bad = await socket.dispatch('counter.set', 'ten');
    assert.notEqual(bad.ok, true, JSON.stringify(bad));
    assert.equal(bad.error && bad.error.code, 'invalid_payload', JSON.stringify(bad));
    assert.equal(typeof bad.error.message, 'string');
    socket.send('{"op": "dispatch", "type": "counter.set", "payload": 9223372036854775807, "ref": 900}');
    assert.equal((await socket.next(isReply(900))).ok, true);
    const fault = await socket.dispatch('counter.increment');
    assert.equal(fault.error && fault.error.code, 'reducer_fault', JSON.stringify(fault));
    await socket.dispatch('counter.reset');
    const noType = await socket.dispatch(undefined);
    assert.ok(noType.error, `dispatch without a type: ${JSON.stringify(noType)}`);
    assert.equal((await socket.dispatch('counter.increment')).ok, true);
    await socket.close();
  });

  it('malformed messages get errors and never close the socket', async () => {
    const { socket } = await visitorWithSocket();
    for (const junk of ['not json', '[]', '{"op": "dance"}', '{"op": "dispatch"}',
                        '{"op": "unsubscribe", "sub": 999}', '{"op": "subscribe", "select": 5}']) {
      socket.send(junk);
      const answer = await socket.next(() => true, 5000);
      assert.ok(answer.error, `${junk} -> ${JSON.stringify(answer)}`);
    }
    assert.equal((await socket.dispatch('counter.increment')).ok, true);
    assert.equal(socket.isClosed, false);
    await socket.close();
  });

  it('unsubscribe stops the pushes of that subscription only', async () => {
    const { socket } = await visitorWithSocket();
    const counted = await socket.subscribe('counter.count', 'a');
    await socket.next(isPush('a'));
    await socket.subscribe('counter.count', 'b');
    await socket.next(isPush('b'));
    socket.send({ op: 'unsubscribe', sub: counted });
    await socket.next((m) => m.op === 'unsubscribed' || m.op === 'reply' || m.error !== undefined,
                      5000).catch(() => {});
    await socket.dispatch('counter.increment');
    assert.equal((await socket.next(isPush('b'))).value, 1);
    await socket.dispatch('counter.increment');
    assert.equal((await socket.next(isPush('b'))).value, 2);
    assert.deepEqual(socket.queue.filter(isPush('a')), [], 'pushes after unsubscribe');
    await socket.close();
  });

  it('two sockets with one cookie share the session; another cookie has its own', async () => {
    const { client, socket: first } = await visitorWithSocket();
    const second = await openSocket(`${server.wsUrl}/api/me/ws`, { cookie: client.cookie });
    const { socket: stranger } = await visitorWithSocket();
    for (const s of [first, second, stranger]) {
      await s.subscribe('counter.count', 'count_changed');
      assert.equal((await s.next(isPush('count_changed'))).value, 0);
    }
    await first.dispatch('counter.increment');
    await second.dispatch('counter.increment');
    for (const s of [first, second]) {
      assert.equal((await s.next(isPush('count_changed'))).value, 1);
      assert.equal((await s.next(isPush('count_changed'))).value, 2);
    }
    await stranger.dispatch('counter.add', 10);
    assert.equal((await stranger.next(isPush('count_changed'))).value, 10);
    assert.deepEqual(first.queue.filter(isPush('count_changed')), [], 'the stranger\'s change reached us');
    // Closing one socket leaves the other's subscription working.
    await first.close();
    await client.post('/api/me/dispatch', { type: 'counter.increment' });
    assert.equal((await second.next(isPush('count_changed'))).value, 3);
    await second.close();
    await stranger.close();
  });

  it('/api/sessions/{id}/ws works with the admin token; unknown sessions are refused', async () => {
    expectStatus(await admin.post('/api/sessions', { id: 'wsadmin', type: 'app' }), 201, 'start');
    const socket = await openSocket(`${server.wsUrl}/api/sessions/wsadmin/ws`,
                                    { headers: server.adminHeaders });
    await socket.subscribe('counter.count', 'c');
    assert.equal((await socket.next(isPush('c'))).value, 0);
    await admin.post('/api/sessions/wsadmin/dispatch', { type: 'counter.add', payload: 5 });
    assert.equal((await socket.next(isPush('c'))).value, 5);
    await socket.close();
    await assert.rejects(openSocket(`${server.wsUrl}/api/sessions/nosuch/ws`, { headers: server.adminHeaders }),
                         (error) => error.status === 404);
  });

  it('a terminated session closes its sockets', async () => {
    expectStatus(await admin.post('/api/sessions', { id: 'wsgone', type: 'app' }), 201, 'start');
    const socket = await openSocket(`${server.wsUrl}/api/sessions/wsgone/ws`,
                                    { headers: server.adminHeaders });
    await socket.subscribe('counter.count', 'c');
    await socket.next(isPush('c'));
    expectStatus(await admin.delete('/api/sessions/wsgone'), 204, 'DELETE wsgone');
    const reply = await socket.dispatch('counter.increment').catch((e) => ({ closed: e.message }));
    assert.ok(reply.closed || reply.error, `dispatch to a terminated session: ${JSON.stringify(reply)}`);
  });
});
