// tests/server/lib/modules.js: finding the loaded module that holds a source file, so that a
// test can replace that one file (PUT /admin/modules/{module}/{file}) and hot-load the module.
'use strict';

const assert = require('node:assert/strict');

// The name of the module whose files include `file` ("counter.reducer"), from GET /admin/modules.
async function moduleHolding(admin, file) {
  const reply = await admin.get('/admin/modules');
  assert.equal(reply.status, 200, `GET /admin/modules: ${reply.status} ${reply.text}`);
  const modules = (reply.json && reply.json.modules) || [];
  const found = modules.find((m) => (m.files || []).some((f) => f === file || f.endsWith(`/${file}`)));
  assert.ok(found, `no loaded module holds ${file}: ${reply.text}`);
  return found.name;
}

// PUT the source of `file` into the module holding it; the reply.
async function putFile(admin, file, source) {
  const name = await moduleHolding(admin, file);
  return admin.put(`/admin/modules/${name}/${file}`, source,
                   { headers: { 'Content-Type': 'text/plain' } });
}

module.exports = { moduleHolding, putFile };
