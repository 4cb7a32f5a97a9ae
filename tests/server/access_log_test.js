// tests/server/access_log_test.js: with `access_log` on, every answered request gets one line
// on stdout (written by the access log's background thread, flushed within about a second),
// and the log is written out in full when sessd stops.
'use strict';

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { startSessd } = require('./lib/sessd');
const { Client } = require('./lib/http');
const { expectStatus } = require('./lib/expect');

// Resolves once `server.log()` matches `pattern`, or rejects after `timeoutMs`.
async function logMatches(server, pattern, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (!pattern.test(server.log())) {
    if (Date.now() > until) throw new Error(`no log line ${pattern} in:\n${server.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('sessd access log', () => {
  it('logs one line per request: method, target, status; all of it by the exit', async () => {
    const server = await startSessd({ config: { access_log: true, runtime: { rate_limit: 0 } } });
    const admin = new Client(server.url, { headers: server.adminHeaders });
    expectStatus(await admin.post('/api/sessions', { id: 'logged', type: 'app' }), 201, 'start');
    expectStatus(await admin.post('/api/sessions/logged/dispatch', { type: 'counter.increment' }),
                 200, 'dispatch');
    expectStatus(await admin.get('/no/such/route'), 404, 'unknown route');
    // Flushed by time, while the server keeps running.
    await logMatches(server, /\[access\] \[info\] 127\.0\.0\.1:\d+ "POST \/api\/sessions\/logged\/dispatch" 200 \d+ [\d.]+ms/);
    await logMatches(server, /"GET \/no\/such\/route" 404 /);
    // A burst is logged completely once sessd has stopped.
    for (let i = 0; i < 200; i++) {
      expectStatus(await admin.get(`/healthz?n=${i}`), 200, `healthz ${i}`);
    }
    const { code } = await server.stop();
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
    await logMatches(server, /"GET \/healthz\?n=199" 200 /, 3000);  // stdout read to its end
    const burst = server.log().match(/"GET \/healthz\?n=\d+" 200 /g) || [];
    assert.equal(burst.length, 200, 'every request of the burst has its line');
  });

  it('is off by default: no access lines', async () => {
    const server = await startSessd({ config: { runtime: { rate_limit: 0 } } });
    const admin = new Client(server.url, { headers: server.adminHeaders });
    expectStatus(await admin.get('/healthz'), 200, 'healthz');
    const { code } = await server.stop();
    assert.equal(code, 0, `sessd exit code; log:\n${server.log()}`);
    assert.doesNotMatch(server.log(), /\[access\]/);
  });
});
