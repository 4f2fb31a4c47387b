#!/usr/bin/env node
/**
 * npm run bench:gateway [-- --duration 5 --soak 20 --connections 32]
 *
 * The inference gateway against nginx on loopback, both in front of the same
 * upstream (nginx answering a fixed chat completion, so the upstream is never
 * the bottleneck), measured with wrk:
 *   1. added latency: one connection, 2 KB prompts, every gateway check on
 *      (key, address and key buckets, daily quotas and budgets, schema,
 *      Unicode, filters, detector, sensitive data with placeholders, canary,
 *      output checks, audit with prompt hashes), p50/p99 minus the direct
 *      upstream's; nginx's own added latency beside it;
 *   2. throughput: many connections, requests per second, gateway vs nginx,
 *      and a bare Node.js proxy (no checks at all) to separate the cost of
 *      Node's HTTP stack from the cost of the checks;
 *   3. soak: the gateway's resident memory sampled while wrk keeps it busy
 *      (20 s by default; `--soak 300` for the 5-minute run).
 * `--profile` writes a CPU profile of the gateway (.bench-cache/gateway/prof/).
 * Needs Debian's wrk and nginx (apt-get install wrk nginx-light). Bounded:
 * loopback only, fixed durations. Files go to .bench-cache/gateway/.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.bench-cache', 'gateway');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    soak: { type: 'string', default: '20' },
    connections: { type: 'string', default: '32' },
    profile: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const soakSeconds = Number(values.soak);
const connections = Number(values.connections);

for (const tool of ['wrk', 'nginx']) {
  const probe = spawnSync(tool === 'nginx' ? 'nginx' : 'wrk', [tool === 'nginx' ? '-v' : '--version']);
  if (probe.error !== undefined) {
    console.error(`${tool} is not installed: apt-get install wrk nginx-light`);
    process.exit(2);
  }
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'tmp'), { recursive: true });

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const [upstreamPort, nginxPort, gatewayPort, adminPort, barePort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);

// The upstream: a fixed OpenAI chat completion, answered by nginx itself.
const completion = JSON.stringify({
  id: 'cmpl-bench',
  object: 'chat.completion',
  model: 'bench-model',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content:
          'Paris is the capital of France. It has been the seat of government for centuries, and it is known for its museums, its cafés and the river Seine that crosses it from east to west.',
      },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 512, completion_tokens: 48, total_tokens: 560 },
});
writeFileSync(
  join(dir, 'nginx.conf'),
  `daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'tmp')};
  proxy_temp_path ${join(dir, 'tmp')};
  fastcgi_temp_path ${join(dir, 'tmp')};
  uwsgi_temp_path ${join(dir, 'tmp')};
  scgi_temp_path ${join(dir, 'tmp')};
  keepalive_requests 1000000;
  upstream model { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${upstreamPort};
    location / { default_type application/json; return 200 '${completion}'; }
  }
  server {
    listen 127.0.0.1:${nginxPort};
    client_max_body_size 1m;
    location / { proxy_pass http://model; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`,
);
const nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });

// A bare Node.js reverse proxy: reads the body, forwards it over a keep-alive agent, relays the answer. No checks.
writeFileSync(
  join(dir, 'bare-proxy.mjs'),
  `import http from 'node:http';
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const up = http.request({ agent, host: '127.0.0.1', port: ${upstreamPort}, method: 'POST', path: req.url, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (r) => {
      const out = [];
      r.on('data', (c) => out.push(c));
      r.on('end', () => { const b = Buffer.concat(out); res.writeHead(r.statusCode, { 'content-type': 'application/json', 'content-length': b.length }); res.end(b); });
    });
    up.end(body);
  });
}).listen(${barePort}, '127.0.0.1');
`,
);
const bare = spawn(process.execPath, [join(dir, 'bare-proxy.mjs')], { stdio: 'ignore' });

// The gateway, from the built CLI, with every check on.
const keyOut = execFileSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'gateway', 'key', 'new', '--id', 'bench'], {
  stdio: ['ignore', 'pipe', 'ignore'],
})
  .toString()
  .split('\n');
const apiKey = keyOut[0];
writeFileSync(
  join(dir, 'keys.yaml'),
  `keys:\n${keyOut
    .slice(1)
    .filter((l) => !l.startsWith('#'))
    .join('\n')}`,
);
const adminOut = execFileSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'gateway', 'key', 'new', '--id', 'ops', '--scopes', 'admin'], {
  stdio: ['ignore', 'pipe', 'ignore'],
})
  .toString()
  .split('\n');
writeFileSync(
  join(dir, 'keys.yaml'),
  `${readFileSync(join(dir, 'keys.yaml'), 'utf8')}${adminOut
    .slice(1)
    .filter((l) => !l.startsWith('#'))
    .join('\n')}`,
);
writeFileSync(join(dir, 'audit.key'), 'benchmark audit key, 32 bytes long');
writeFileSync(
  join(dir, 'gateway.yaml'),
  `listen: { port: ${gatewayPort}, maxConnections: 4096 }
admin: { port: ${adminPort} }
keys: { file: keys.yaml }
limits:
  perKey: { perSecond: 1000000, burst: 1000000 }
  perAddress: { perSecond: 1000000, burst: 1000000 }
  daily: { requests: 1000000000, chars: 1000000000000, tokens: 1000000000000 }
  maxConcurrent: 256
  maxQueue: 1024
upstreams:
  llm: { url: "http://127.0.0.1:${upstreamPort}", trust: untrusted, maxSockets: 256 }
routes:
  - path: /v1/chat/completions
    kind: openai-chat
    upstream: llm
    models: [bench-model]
    canary: true
    detector: { request: { action: block }, response: { action: shadow } }
    sensitive: { request: { default: placeholder, secret: block }, response: { default: redact } }
audit: { file: audit.jsonl, hashKeyFile: audit.key }
`,
);
// --profile writes a V8 CPU profile of the gateway to .bench-cache/gateway/prof/ when it stops.
const nodeArgs = values.profile ? ['--cpu-prof', '--cpu-prof-dir', join(dir, 'prof')] : [];
const gateway = spawn(process.execPath, [...nodeArgs, join(root, 'dist', 'cli', 'main.js'), 'gateway', '--config', join(dir, 'gateway.yaml')], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
await new Promise((resolve, reject) => {
  let err = '';
  gateway.stderr.on('data', (d) => {
    err += d;
    if (err.includes('listening on')) resolve();
  });
  gateway.on('exit', () => reject(new Error(err)));
});
await new Promise((r) => setTimeout(r, 300));

// A 2 KB prompt of ordinary prose (it passes every check, so every check runs to the end).
const sentence =
  'Please summarise the following notes about the history of the city, its architecture, its rivers and bridges, and the people who shaped it over the centuries. ';
const prompt = sentence.repeat(Math.ceil(2048 / sentence.length)).slice(0, 2048);
const body = JSON.stringify({
  model: 'bench-model',
  max_tokens: 128,
  messages: [
    { role: 'system', content: 'You are a concise assistant.' },
    { role: 'user', content: prompt },
  ],
});
writeFileSync(
  join(dir, 'post.lua'),
  `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer ${apiKey}"\nwrk.body = [==[${body}]==]\n`,
);

const check = await fetch(`http://127.0.0.1:${gatewayPort}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
  body,
});
if (check.status !== 200) throw new Error(`gateway answered ${check.status}: ${await check.text()}`);

function wrk(port, threads, conns, seconds) {
  const out = execFileSync('wrk', [
    `-t${threads}`,
    `-c${conns}`,
    `-d${seconds}s`,
    '--latency',
    '-s',
    join(dir, 'post.lua'),
    `http://127.0.0.1:${port}/v1/chat/completions`,
  ]).toString();
  const ms = (label) => {
    const m = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    if (m === null) return NaN;
    return Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 }[m[2]] ?? 1);
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0';
  return { p50: ms('50'), p99: ms('99'), rps, errors: Number(errors) };
}

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const f = (x, d = 3) => x.toFixed(d);

console.log(
  `modelguard gateway benchmark · node ${process.version} · ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}) · wrk on loopback · 2 KB prompts`,
);
// Warm-up, so the JIT has compiled the gateway's paths.
wrk(gatewayPort, 1, 4, 2);

const direct = wrk(upstreamPort, 1, 1, duration);
const viaNginx = wrk(nginxPort, 1, 1, duration);
const viaGateway = wrk(gatewayPort, 1, 1, duration);
console.log('\nlatency, 1 connection (ms)        p50      p99');
console.log(`  upstream direct              ${f(direct.p50).padStart(7)}  ${f(direct.p99).padStart(7)}`);
console.log(
  `  through nginx                ${f(viaNginx.p50).padStart(7)}  ${f(viaNginx.p99).padStart(7)}   added ${f(viaNginx.p50 - direct.p50)} / ${f(viaNginx.p99 - direct.p99)}`,
);
console.log(
  `  through the gateway          ${f(viaGateway.p50).padStart(7)}  ${f(viaGateway.p99).padStart(7)}   added ${f(viaGateway.p50 - direct.p50)} / ${f(viaGateway.p99 - direct.p99)}  (targets < 1 / < 5)`,
);

const tNginx = wrk(nginxPort, 2, connections, duration);
const tBare = wrk(barePort, 2, connections, duration);
const tGateway = wrk(gatewayPort, 2, connections, duration);
console.log(`\nthroughput, ${connections} connections (requests/s)`);
console.log(`  through nginx                ${f(tNginx.rps, 0).padStart(7)}`);
console.log(`  bare Node.js proxy, no checks ${f(tBare.rps, 0).padStart(6)}   ${f(tBare.rps / tNginx.rps, 2)}x nginx`);
console.log(`  through the gateway          ${f(tGateway.rps, 0).padStart(7)}   ${f(tGateway.rps / tNginx.rps, 2)}x nginx (target >= 0.5)`);
if (tGateway.errors + viaGateway.errors > 0) console.log(`  gateway non-2xx responses: ${tGateway.errors + viaGateway.errors}`);

if (soakSeconds > 0) {
  const samples = [];
  const t0 = Date.now();
  samples.push([0, rssKiB(gateway.pid)]);
  const load = spawn(
    'wrk',
    ['-t2', `-c${connections}`, `-d${soakSeconds}s`, '-s', join(dir, 'post.lua'), `http://127.0.0.1:${gatewayPort}/v1/chat/completions`],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let loadOut = '';
  load.stdout.on('data', (d) => (loadOut += d));
  const every = Math.max(1, Math.floor(soakSeconds / 10));
  const timer = setInterval(() => samples.push([Math.round((Date.now() - t0) / 1000), rssKiB(gateway.pid)]), every * 1000);
  await new Promise((r) => load.on('exit', r));
  clearInterval(timer);
  samples.push([Math.round((Date.now() - t0) / 1000), rssKiB(gateway.pid)]);
  const total = Number(/(\d+) requests in/.exec(loadOut)?.[1] ?? 0);
  const mib = (k) => f(k / 1024, 1);
  const half = samples.slice(Math.floor(samples.length / 2)).map(([, k]) => k);
  console.log(`\nsoak, ${soakSeconds} s at ${connections} connections, ${total} requests: gateway RSS (MiB) by second`);
  console.log(`  ${samples.map(([s, k]) => `${s}s ${mib(k)}`).join(' · ')}`);
  console.log(`  second half: min ${mib(Math.min(...half))}, max ${mib(Math.max(...half))}`);
}

gateway.kill('SIGTERM');
bare.kill('SIGTERM');
nginx.kill('SIGQUIT');
await new Promise((r) => gateway.on('exit', r));
