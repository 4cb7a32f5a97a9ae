// tests/server/lib/raw.js: raw TCP exchanges with sessd, for what no well-behaved HTTP client
// sends: bodies over the limit written regardless of an early answer, broken request lines,
// headers dribbled one byte at a time.
'use strict';

const net = require('node:net');

// Connects to host:port; resolves with the socket once connected.
function connect(port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host }, () => resolve(socket));
    socket.once('error', reject);
  });
}

// Writes `data` (string or Buffer, or an array of them written in turn) and collects all that
// comes back until the server closes or `quietMs` pass without news after the first byte.
// Write errors (the server closed early) are ignored: what it answered is what counts.
async function exchange(port, data, { quietMs = 500, timeoutMs = 10000 } = {}) {
  const socket = await connect(port);
  socket.on('error', () => {});
  const chunks = [];
  const received = new Promise((resolve) => {
    let quiet;
    const finish = () => {
      clearTimeout(quiet);
      clearTimeout(limit);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const limit = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      clearTimeout(quiet);
      quiet = setTimeout(finish, quietMs);
    });
    socket.on('close', finish);
  });
  for (const part of Array.isArray(data) ? data : [data]) {
    if (socket.destroyed) break;
    socket.write(part);
  }
  return received;
}

// The status code of the first response in raw HTTP text, or undefined.
function statusOf(text) {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return match ? Number(match[1]) : undefined;
}

module.exports = { connect, exchange, statusOf };
