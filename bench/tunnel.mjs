#!/usr/bin/env node
/**
 * npm run bench:tunnel [-- --seconds 3]
 *
 * A real PyTorch TCPStore (Debian's python3-torch) reached three ways on
 * loopback, side by side:
 *   direct      the store master itself (no encryption: the reference)
 *   modelguard  `modelguard tunnel connect` -> `modelguard tunnel serve` (two processes)
 *   stunnel     stunnel4 client -> stunnel4 server (two processes)
 * both tunnels with TLS 1.3, client certificates from the same cluster CA,
 * TCP_NODELAY. For each: small-operation rate (set+get of a short key, one
 * client, ops/s) and 1 MiB set/get throughput (MiB/s). Bounded: `--seconds`
 * per measurement (default 3), about 30 s in all. Needs stunnel4.
 */
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeCluster } from '../build/test/tunnel/harness.js';
import { py, storeMaster } from '../build/test/tunnel/python.js';
import { freePort, startStunnel } from '../build/test/tunnel/stunnel.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'build', 'src', 'cli', 'main.js');
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const seconds = Math.min(Math.max(Number(values.seconds) || 3, 0.5), 30);

async function measure(port, name) {
  process.stderr.write(`measuring ${name}...\n`);
  const r = await py('bench', String(port), String(seconds)).exit();
  if (r.code !== 0) throw new Error(r.err);
  return JSON.parse(r.out.trim());
}

function tunnelEnd(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'tunnel', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let buf = '';
    child.stderr.on('data', (d) => {
      buf += d.toString();
      const m = /"event":"listening".*?"listen":"[^"]*:(\d+)"/.exec(buf);
      if (m) resolve({ port: Number(m[1]), stop: () => new Promise((r) => (child.kill('SIGTERM'), child.on('exit', r))) });
    });
    child.on('exit', (c) => reject(new Error(`tunnel exited ${c}: ${buf}`)));
  });
}

const cluster = await makeCluster(['master', 'worker']);
const master = await storeMaster();
const rows = [];
try {
  rows.push(['direct (no TLS)', await measure(master.port, 'direct')]);

  const cred = (n) => ['--cluster', cluster.dir, '--node', n];
  const serve = await tunnelEnd(['serve', '--listen', '127.0.0.1:0', '--to', `127.0.0.1:${master.port}`, ...cred('master')]);
  const connect = await tunnelEnd(['connect', '--listen', `127.0.0.1:${await freePort()}`, '--to', `127.0.0.1:${serve.port}`, ...cred('worker')]);
  rows.push(['modelguard tunnel', await measure(connect.port, 'modelguard')]);
  await connect.stop();
  await serve.stop();

  const sServer = await startStunnel('server', cluster.files('master'), master.port, cluster.dir, 3);
  const sClient = await startStunnel('client', cluster.files('worker'), sServer.port, cluster.dir, 3);
  rows.push(['stunnel4', await measure(sClient.port, 'stunnel')]);
  await sClient.stop();
  await sServer.stop();
} finally {
  await master.stop();
  cluster.cleanup();
}

console.log(`TCPStore over loopback, ${seconds} s per figure, one client (Node ${process.version}, stunnel4 from Debian)`);
console.log(`${'path'.padEnd(20)} ${'small ops/s'.padStart(12)} ${'1 MiB set/get MiB/s'.padStart(20)}`);
for (const [name, r] of rows) console.log(`${name.padEnd(20)} ${r.ops_per_s.toFixed(0).padStart(12)} ${r.mib_per_s.toFixed(1).padStart(20)}`);
