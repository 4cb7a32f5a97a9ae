// tests/server/lib/http.js: a small HTTP client with a one-cookie jar, for talking to sessd.
//
// Built on node:http rather than fetch so that a test controls every byte it sends (content
// types, bodies that are not JSON, no body at all) and sees every header it gets back,
// including each Set-Cookie line.
'use strict';

const http = require('node:http');

const COOKIE_NAME = 'sessproc_sid';

// One request. `body`: a string or Buffer is sent as is, anything else as JSON.
function request(baseUrl, { method = 'GET', path = '/', headers = {}, body, timeoutMs = 20000,
                            agent = false } = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const finalHeaders = { ...headers };
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        payload = body;
      } else {
        payload = JSON.stringify(body);
        if (!Object.keys(finalHeaders).some((h) => h.toLowerCase() === 'content-type')) {
          finalHeaders['Content-Type'] = 'application/json';
        }
      }
      finalHeaders['Content-Length'] = Buffer.byteLength(payload);
    }
    const req = http.request(url, { method, headers: finalHeaders, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

// The value of our session cookie in a response's Set-Cookie lines, or undefined.
function sessionCookieOf(response) {
  const lines = response.headers['set-cookie'] || [];
  for (const line of lines) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() === COOKIE_NAME) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

function setCookieLine(response) {
  return (response.headers['set-cookie'] || []).find((line) => line.startsWith(`${COOKIE_NAME}=`));
}

// A browser-like client: keeps the session cookie that the server hands out and sends it back.
class Client {
  constructor(baseUrl, { cookie, headers = {} } = {}) {
    this.baseUrl = baseUrl;
    this.cookie = cookie;  // the value after "sessproc_sid="
    this.headers = headers;
  }

  // The session id that the cookie carries ("<id>.<mac>" -> "<id>").
  get sessionId() {
    return this.cookie === undefined ? undefined : this.cookie.split('.')[0];
  }

  async request(method, path, { body, headers = {}, ...rest } = {}) {
    const all = { ...this.headers, ...headers };
    if (this.cookie !== undefined) all.Cookie = `${COOKIE_NAME}=${this.cookie}`;
    const response = await request(this.baseUrl, { method, path, headers: all, body, ...rest });
    const issued = sessionCookieOf(response);
    if (issued !== undefined) this.cookie = issued;
    return response;
  }

  get(path, options) { return this.request('GET', path, options); }
  post(path, body, options = {}) { return this.request('POST', path, { ...options, body }); }
  put(path, body, options = {}) { return this.request('PUT', path, { ...options, body }); }
  delete(path, options) { return this.request('DELETE', path, options); }
}

module.exports = { request, Client, sessionCookieOf, setCookieLine, COOKIE_NAME };
