// tests/server/lib/expect.js: assertions shared by the server tests, each naming what sessd
// must answer so that a failure prints the request, the expected and the actual reply.
'use strict';

const assert = require('node:assert/strict');

function describeResponse(response) {
  return `HTTP ${response.status} ${response.text.slice(0, 400)}`;
}

// The status, and for errors the spec's body: {"error": {"code": ..., "message": ...}}.
function expectStatus(response, status, what = '') {
  assert.equal(response.status, status,
               `${what}: expected HTTP ${status}, got ${describeResponse(response)}`);
  if (status >= 400) expectErrorBody(response, what);
}

function expectErrorBody(response, what = '') {
  const error = response.json && response.json.error;
  assert.ok(error && typeof error.code === 'string' && error.code.length > 0 &&
            typeof error.message === 'string' && error.message.length > 0,
            `${what}: expected {"error": {"code", "message"}}, got ${describeResponse(response)}`);
  return error;
}

function expectJsonContentType(response, what = '') {
  assert.match(String(response.headers['content-type']), /^application\/json/,
               `${what}: content type ${response.headers['content-type']}`);
}

// True when `list` (the body of GET /api/sessions) names session `id` with type `type`,
// whatever the exact shape: [{id, type}], {"sessions": [...]}, or {"<id>": "<type>"}.
function listHasSession(list, id, type) {
  if (Array.isArray(list)) {
    return list.some((entry) => entry && entry.id === id && (type === undefined || entry.type === type));
  }
  if (list && typeof list === 'object') {
    if (Array.isArray(list.sessions)) return listHasSession(list.sessions, id, type);
    if (id in list) return type === undefined || list[id] === type || (list[id] && list[id].type === type);
  }
  return false;
}

module.exports = { expectStatus, expectErrorBody, expectJsonContentType, listHasSession,
                   describeResponse };
