// tests/server/lib/sessd.js: starts a real sessd for one test file and stops it again.
//
// Every test file gets its own server (own port, own temporary --data dir, own admin token),
// so the files run in parallel and a test never sees another's sessions. The server listens
// on 127.0.0.1:0 and the bound port is read from its log ("listening on 127.0.0.1:PORT").
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..', '..');
const SHOP = path.join(REPO, 'examples', 'shop');
const ADMIN_TOKEN = 'test-admin-token-0123456789';
// The log line that tells the bound port.
const LISTENING = /listening on (?:https?:\/\/)?(?:127\.0\.0\.1|localhost):(\d+)/i;

function sessdBinary() {
  const binary = process.env.SESSD;
  if (!binary || !fs.existsSync(binary)) {
    throw new Error(`set SESSD to the sessd binary (got ${JSON.stringify(binary)})`);
  }
  return binary;
}

// The example shop, as one `--load` argument: a directory is one module ("shop").
function shopFiles() {
  return [SHOP];
}

// The test fixture module "lab" (tests/server/fixtures/lab/).
const LAB = path.join(__dirname, '..', 'fixtures', 'lab');

// Resolves with the first match of `pattern` in the text that `stream` produces.
function waitForLine(lines, pattern, child, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`sessd did not print ${pattern} within ${timeoutMs} ms; log:\n${lines.text}`));
    }, timeoutMs);
    const check = () => {
      const match = lines.text.match(pattern);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const exited = (code, signal) => {
      cleanup();
      reject(new Error(`sessd exited (${code ?? signal}) before listening; log:\n${lines.text}`));
    };
    function cleanup() {
      clearTimeout(timer);
      lines.listeners.delete(check);
      child.off('exit', exited);
    }
    lines.listeners.add(check);
    child.on('exit', exited);
    check();
  });
}

// Starts sessd. `config` is written as the JSON --config file; `args` are extra flags.
// A given `dataDir` is kept at stop (a restart test reuses it); otherwise a fresh temporary
// one is made and removed at stop.
async function startSessd({ config = {}, args = [], load = shopFiles(), env = {}, dataDir } = {}) {
  const ownsData = dataDir === undefined;
  if (ownsData) dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sessd-test-'));
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sessd-config-'));
  const configFile = path.join(configDir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const argv = ['--listen', '127.0.0.1:0', '--data', dataDir, '--admin-token', ADMIN_TOKEN,
                '--config', configFile, ...args];
  if (load.length > 0) argv.push('--load', ...load);
  const child = spawn(sessdBinary(), argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = { text: '', listeners: new Set() };
  const collect = (chunk) => {
    lines.text += chunk.toString();
    for (const listener of lines.listeners) listener();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  let match;
  try {
    match = await waitForLine(lines, LISTENING, child, 30000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const port = Number(match[1]);
  const server = {
    child,
    port,
    host: '127.0.0.1',
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    adminToken: ADMIN_TOKEN,
    adminHeaders: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    dataDir,
    exit,
    log: () => lines.text,
    // Sends `signal` and resolves with { code, signal } once the process is gone.
    async stop(signalName = 'SIGTERM', timeoutMs = 15000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signalName);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exit;
      clearTimeout(timer);
      fs.rmSync(configDir, { recursive: true, force: true });
      if (ownsData) fs.rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
  return server;
}

module.exports = { startSessd, shopFiles, SHOP, LAB, REPO, ADMIN_TOKEN };
