// tests/server/lib/ws.js: a WebSocket client (the `ws` package) with a message queue, so a
// test can `await next(...)` the message it expects instead of wiring callbacks.
'use strict';

const WebSocket = require('ws');
const { COOKIE_NAME } = require('./http');

class Socket {
  constructor(ws) {
    this.ws = ws;
    this.queue = [];  // parsed messages not yet taken by next()
    this.waiters = [];
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
    this.isClosed = false;
    ws.on('close', () => { this.isClosed = true; });
    ws.on('message', (data) => {
      let message;
      try {
        message = JSON.parse(data.toString());
      } catch {
        message = { unparsable: data.toString() };
      }
      this.queue.push(message);
      this.wake();
    });
    ws.on('error', () => {});  // reported through 'close'
  }

  wake() {
    for (const waiter of [...this.waiters]) waiter();
  }

  send(message) {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  // The first queued message for which `match` holds (removed from the queue); fails after
  // `timeoutMs` or when the socket closes first.
  next(match = () => true, timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
      const take = () => {
        const at = this.queue.findIndex(match);
        if (at >= 0) {
          done();
          resolve(this.queue.splice(at, 1)[0]);
        } else if (this.isClosed) {
          done();
          reject(new Error(`socket closed while waiting; queued: ${JSON.stringify(this.queue)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching message in ${timeoutMs} ms; queued: ${JSON.stringify(this.queue.slice(-5))}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== take);
      };
      this.waiters.push(take);
      take();
    });
  }

  // Subscribes and returns the sub id from the "subscribed" answer.
  async subscribe(select, event) {
    this.send({ op: 'subscribe', select, event });
    const answer = await this.next((m) => m.op === 'subscribed' || m.error !== undefined);
    if (answer.op !== 'subscribed') throw new Error(`subscribe failed: ${JSON.stringify(answer)}`);
    return answer.sub;
  }

  // Dispatches with a fresh ref and resolves with the reply carrying that ref.
  async dispatch(type, payload, extra = {}) {
    this.lastRef = (this.lastRef || 0) + 1;
    const ref = this.lastRef;
    const message = { op: 'dispatch', type, ref, ...extra };
    if (payload !== undefined) message.payload = payload;
    this.send(message);
    return this.next((m) => m.op === 'reply' && m.ref === ref);
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}

// Opens a WebSocket to `url` (ws://...); `cookie` is the sessproc_sid value to send.
// Resolves once open; rejects with the HTTP status when the upgrade is refused.
function openSocket(url, { cookie, headers = {} } = {}) {
  const all = { ...headers };
  if (cookie !== undefined) all.Cookie = `${COOKIE_NAME}=${cookie}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: all, perMessageDeflate: false });
    ws.once('open', () => resolve(new Socket(ws)));
    ws.once('unexpected-response', (req, res) => {
      const error = new Error(`upgrade refused: HTTP ${res.statusCode}`);
      error.status = res.statusCode;
      reject(error);
      req.destroy();
    });
    ws.on('error', reject);  // `on`: a refused upgrade may report more than one error
  });
}

module.exports = { openSocket, Socket };
