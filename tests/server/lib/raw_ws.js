// tests/server/lib/raw_ws.js: a WebSocket spoken by hand over a plain TCP socket, for the
// client that the `ws` package cannot play: one that stops reading (its kernel buffers fill
// and the server's queue for it overflows).
'use strict';

const crypto = require('node:crypto');
const { connect } = require('./raw');

// One masked text frame (clients must mask), for payloads under 64 KiB.
function textFrame(text) {
  const payload = Buffer.from(text, 'utf8');
  if (payload.length >= 65536) throw new Error('textFrame: payload too long');
  const mask = crypto.randomBytes(4);
  const head = payload.length < 126
    ? Buffer.from([0x81, 0x80 | payload.length])
    : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([head, mask, masked]);
}

// Opens a WebSocket at `path` by hand; resolves with the socket once the server answered 101.
// Any bytes after the 101 answer stay unread in the socket (it is paused if `paused`).
async function openRawSocket(port, path, { headers = {} } = {}) {
  const socket = await connect(port);
  socket.on('error', () => {});
  const key = crypto.randomBytes(16).toString('base64');
  const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket',
                 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const head = await new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      const rest = Buffer.from(text.slice(end + 4), 'latin1');
      if (rest.length > 0) socket.unshift(rest);
      resolve(text.slice(0, end));
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`closed during the handshake: ${text}`)));
  });
  if (!/^HTTP\/1\.1 101/.test(head)) throw new Error(`upgrade refused: ${head.split('\r\n')[0]}`);
  return socket;
}

module.exports = { openRawSocket, textFrame };
