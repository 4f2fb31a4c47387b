#!/usr/bin/env node
/**
 * npm run bench:gateway [-- --duration 4 --rounds 3 --connections 32 --warmup 8 --soak 20 --profile]
 *
 * The inference gateway beside nginx on loopback, both proxying to the same
 * upstream (a second nginx answering a fixed chat completion, so the
 * upstream is never the bottleneck), measured with wrk, 2 KB prompts, every
 * gateway check on (key, address and key buckets, daily quotas and budgets,
 * schema, Unicode, filters, detector, sensitive data with placeholders,
 * canary, output checks, audit with prompt hashes):
 *   1. added latency, one connection: p50/p99 minus the direct upstream's;
 *   2. throughput, many connections: requests per second, p50 and p99 under
 *      load, and the CPU time each proxy spends per request (from
 *      /proc/<pid>/stat: it depends far less than requests per second on
 *      what else the machine is running); a bare Node.js proxy with no checks
 *      beside them separates Node's own HTTP cost from the checks';
 *   3. soak: the gateway's resident memory while wrk keeps it busy
 *      (`--soak 300` for the 5-minute run).
 * The proxies run one after the other, in `--rounds` interleaved rounds; the
 * figures are medians, so a burst of load from other jobs hits every
 * contender alike. Each nginx runs as one process (master_process off,
 * one worker), the gateway as one Node.js process. Bounded: loopback only,
 * fixed durations (about 2 minutes with the defaults). `--profile` writes a
 * CPU profile of the gateway (.bench-cache/gateway/prof/). Needs Debian's
 * wrk and nginx (apt-get install wrk nginx-light). Files go to
 * .bench-cache/gateway/.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.bench-cache', 'gateway');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '8' },
    soak: { type: 'string', default: '20' },
    profile: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const warmupSeconds = Number(values.warmup);
const soakSeconds = Number(values.soak);
const started = Date.now();

for (const [tool, arg] of [
  ['wrk', '--version'],
  ['nginx', '-v'],
]) {
  if (spawnSync(tool, [arg]).error !== undefined) {
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
const children = [];
const stopAll = () => {
  for (const c of children) if (c.exitCode === null) c.kill(c.spawnfile === 'nginx' ? 'SIGQUIT' : 'SIGTERM');
};
process.on('exit', stopAll);

// The upstream: a fixed OpenAI chat completion, answered by its own nginx process.
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

/** One nginx process (no master, one worker) with `server` as its only server block. */
function startNginx(name, server) {
  const prefix = join(dir, name);
  mkdirSync(join(prefix, 'tmp'), { recursive: true });
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(prefix, 'tmp')};`).join('\n');
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `daemon off;
master_process off;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
${temp}
  keepalive_requests 1000000;
${server}
}
`,
  );
  const child = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: 'ignore' });
  children.push(child);
  return child;
}
startNginx(
  'upstream',
  `  server {
    listen 127.0.0.1:${upstreamPort};
    location / { default_type application/json; return 200 '${completion}'; }
  }`,
);
const nginx = startNginx(
  'nginx',
  `  upstream model { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${nginxPort};
    client_max_body_size 1m;
    location / { proxy_pass http://model; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }`,
);

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
children.push(bare);

// The gateway, from the built CLI, with every check on.
const cli = (...args) =>
  execFileSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'gateway', ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
const entry = (out) =>
  out
    .split('\n')
    .slice(1)
    .filter((l) => !l.startsWith('#'))
    .join('\n');
const benchKey = cli('key', 'new', '--id', 'bench');
const apiKey = benchKey.split('\n')[0];
writeFileSync(join(dir, 'keys.yaml'), `keys:\n${entry(benchKey)}${entry(cli('key', 'new', '--id', 'ops', '--scopes', 'admin'))}`);
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
const nodeArgs = values.profile ? ['--cpu-prof', '--cpu-prof-dir', join(dir, 'prof')] : [];
const gateway = spawn(process.execPath, [...nodeArgs, join(root, 'dist', 'cli', 'main.js'), 'gateway', '--config', join(dir, 'gateway.yaml')], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
children.push(gateway);
await new Promise((resolve, reject) => {
  let err = '';
  gateway.stderr.on('data', (d) => {
    err += d;
    if (err.includes('listening on')) resolve();
  });
  gateway.on('exit', () => reject(new Error(err)));
});

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

for (const port of [upstreamPort, nginxPort, barePort, gatewayPort]) {
  for (let i = 0; ; i++) {
    const r = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body,
    }).catch((e) => e);
    if (r instanceof Response && r.status === 200) break;
    if (i === 50) throw new Error(`port ${port} answered ${r instanceof Response ? `${r.status}: ${await r.text()}` : r}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** One wrk run against `port`; with `pid`, the CPU that process spent per request. */
function wrk(port, threads, conns, seconds, pid) {
  const cpu0 = pid === undefined ? 0 : cpuSeconds(pid);
  const out = execFileSync('wrk', [
    `-t${threads}`,
    `-c${conns}`,
    `-d${seconds}s`,
    '--latency',
    '-s',
    join(dir, 'post.lua'),
    `http://127.0.0.1:${port}/v1/chat/completions`,
  ]).toString();
  const cpu = pid === undefined ? NaN : cpuSeconds(pid) - cpu0;
  const ms = (label) => {
    const m = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    return m === null ? NaN : Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 }[m[2]] ?? 1);
  };
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors: .*?(\d+) timeout/.exec(out)?.[1] ?? 0);
  return { p50: ms('50'), p99: ms('99'), rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), errors, cpuUs: requests > 0 ? (cpu * 1e6) / requests : NaN };
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Runs every contender once per round, interleaved; medians of each measure. */
function measure(contenders, run) {
  const runs = new Map(contenders.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) for (const c of contenders) runs.get(c).push(run(c));
  return new Map(
    [...runs].map(([c, rs]) => [
      c,
      {
        p50: median(rs.map((x) => x.p50)),
        p99: median(rs.map((x) => x.p99)),
        rps: median(rs.map((x) => x.rps)),
        cpuUs: median(rs.map((x) => x.cpuUs)),
        errors: rs.reduce((n, x) => n + x.errors, 0),
      },
    ]),
  );
}

const f = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const col = (s, w = 11) => String(s).padStart(w);
const load = () => loadavg()[0].toFixed(1);
console.log(`modelguard gateway benchmark · node ${process.version} · ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}) · load average ${load()}`);
console.log(`wrk on loopback, 2 KB prompts, every gateway check on; medians of ${rounds} interleaved rounds of ${duration} s`);

// Warm-up, so the JIT has compiled the gateway's paths (and the bare proxy's) before anything is measured.
wrk(gatewayPort, 2, connections, warmupSeconds);
wrk(barePort, 2, connections, Math.min(warmupSeconds, 2));

const port = { direct: upstreamPort, nginx: nginxPort, gateway: gatewayPort, bare: barePort };
const pid = { nginx: nginx.pid, gateway: gateway.pid, bare: bare.pid };
const lat = measure(['direct', 'nginx', 'gateway'], (c) => wrk(port[c], 1, 1, duration));
const direct = lat.get('direct');
const added = (c, q) => lat.get(c)[q] - direct[q];
console.log(`\nlatency, 1 connection (ms)       nginx    gateway   target      (upstream direct: p50 ${f(direct.p50)}, p99 ${f(direct.p99)})`);
console.log(`  added p50               ${col(f(added('nginx', 'p50')))}${col(f(added('gateway', 'p50')))}   < 1`);
console.log(`  added p99               ${col(f(added('nginx', 'p99')))}${col(f(added('gateway', 'p99')))}   < 5`);

const tp = measure(['nginx', 'gateway', 'bare'], (c) => wrk(port[c], 2, connections, duration, pid[c]));
const [n, g, b] = ['nginx', 'gateway', 'bare'].map((c) => tp.get(c));
console.log(`\nthroughput, ${connections} connections          nginx    gateway   gateway/nginx`);
console.log(`  requests/s              ${col(f(n.rps, 0))}${col(f(g.rps, 0))}   ${f(g.rps / n.rps, 2)}x (target >= 0.5x)`);
console.log(`  p50 (ms)                ${col(f(n.p50, 2))}${col(f(g.p50, 2))}   ${f(g.p50 / n.p50, 1)}x`);
console.log(`  p99 (ms)                ${col(f(n.p99, 2))}${col(f(g.p99, 2))}   ${f(g.p99 / n.p99, 1)}x`);
console.log(`  CPU per request (us)    ${col(f(n.cpuUs, 0))}${col(f(g.cpuUs, 0))}   ${f(g.cpuUs / n.cpuUs, 1)}x`);
console.log(
  `  bare Node.js proxy, no checks: ${f(b.rps, 0)} requests/s (${f(b.rps / n.rps, 2)}x nginx), p50 ${f(b.p50, 2)} ms, p99 ${f(b.p99, 2)} ms, ${f(b.cpuUs, 0)} us CPU per request`,
);
const gatewayErrors = g.errors + lat.get('gateway').errors;
if (gatewayErrors > 0) console.log(`  gateway non-2xx responses or time-outs: ${gatewayErrors}`);

if (soakSeconds > 0) {
  const rssKiB = (p) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1]);
  const samples = [[0, rssKiB(gateway.pid)]];
  const t0 = Date.now();
  const soak = spawn(
    'wrk',
    ['-t2', `-c${connections}`, `-d${soakSeconds}s`, '-s', join(dir, 'post.lua'), `http://127.0.0.1:${gatewayPort}/v1/chat/completions`],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let soakOut = '';
  soak.stdout.on('data', (d) => (soakOut += d));
  const every = Math.max(1, Math.floor(soakSeconds / 10));
  const timer = setInterval(() => samples.push([Math.round((Date.now() - t0) / 1000), rssKiB(gateway.pid)]), every * 1000);
  await new Promise((r) => soak.on('exit', r));
  clearInterval(timer);
  samples.push([Math.round((Date.now() - t0) / 1000), rssKiB(gateway.pid)]);
  const total = Number(/(\d+) requests in/.exec(soakOut)?.[1] ?? 0);
  const mib = (k) => f(k / 1024, 1);
  const half = samples.slice(Math.floor(samples.length / 2)).map(([, k]) => k);
  console.log(`\nsoak, ${soakSeconds} s at ${connections} connections, ${total} requests: gateway RSS (MiB) by second`);
  console.log(`  ${samples.map(([s, k]) => `${s}s ${mib(k)}`).join(' · ')}`);
  console.log(`  second half: min ${mib(Math.min(...half))}, max ${mib(Math.max(...half))}`);
}

console.log(`\n${Math.round((Date.now() - started) / 1000)} s in all; load average ${load()} at the end`);
gateway.kill('SIGTERM');
await new Promise((r) => gateway.on('exit', r));
stopAll();
