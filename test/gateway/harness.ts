/**
 * A gateway in front of the test upstream, both on loopback ports chosen by
 * the OS, with a key file and an audit log in a temporary folder. Tests
 * change the configuration through `mutate` and talk HTTP to it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecord } from '../../src/gateway/audit/record.js';
import { generateApiKey } from '../../src/gateway/auth/key-format.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway/gateway.js';
import { startUpstream, type TestUpstream } from './upstream.js';

export interface KeySpec {
  readonly id: string;
  readonly scopes?: readonly string[];
  readonly models?: readonly string[];
  readonly expires?: string;
  readonly limits?: Record<string, unknown>;
}

export const DEFAULT_KEYS: readonly KeySpec[] = [{ id: 'alice' }, { id: 'ops', scopes: ['admin'] }, { id: 'bob', models: ['small-*'] }];

/** A configuration object as the tests build it (loosely typed: the gateway validates it). */
export interface Config {
  listen?: any;
  audit?: any;
  limits?: any;
  upstreams: Record<string, any>;
  routes: any[];
  [section: string]: unknown;
}

export interface HarnessOptions {
  readonly mutate?: (config: Config, upstreamUrl: string, dir: string) => void;
  readonly keys?: readonly KeySpec[];
  readonly gateway?: Partial<GatewayOptions>;
  readonly upstream?: TestUpstream;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: any;
}

export interface Harness {
  readonly gw: Gateway;
  readonly upstream: TestUpstream;
  readonly dir: string;
  readonly keys: Readonly<Record<string, string>>;
  readonly base: string;
  readonly adminBase: string;
  post(path: string, body: unknown, options?: { key?: string | null; headers?: Record<string, string>; raw?: string | Uint8Array }): Promise<Reply>;
  chat(content: string, options?: { key?: string; model?: string; extra?: Record<string, unknown> }): Promise<Reply>;
  /** Streams a chat completion and returns the parsed SSE events and the text they carry. */
  streamChat(
    content: string,
    options?: { key?: string; model?: string; system?: string },
  ): Promise<{ status: number; events: any[]; text: string; errors: any[] }>;
  admin(method: string, path: string, key?: string): Promise<Reply>;
  /** Requests sent through this harness so far (each leaves one audit record). */
  readonly sent: number;
  /** Audit records on disk, once at least `atLeast` (default: one per request sent) are there. */
  audit(atLeast?: number): Promise<AuditRecord[]>;
  writeKeys(keys: readonly KeySpec[]): Record<string, string>;
  close(): Promise<void>;
}

export function defaultConfig(upstreamUrl: string): Config {
  return {
    listen: { port: 0, headersTimeoutMs: 1000, requestTimeoutMs: 3000 },
    admin: { port: 0 },
    keys: { file: 'keys.yaml' },
    audit: { file: 'audit.jsonl' },
    limits: { bodyIdleTimeoutMs: 500 },
    upstreams: { llm: { url: upstreamUrl, trust: 'untrusted', timeoutMs: 1500, idleTimeoutMs: 1000 } },
    routes: [
      { path: '/v1/chat/completions', kind: 'openai-chat', upstream: 'llm' },
      { path: '/v1/completions', kind: 'openai-completions', upstream: 'llm' },
      { path: '/v2/models/{model}/infer', kind: 'kserve-v2', upstream: 'llm', classifier: { round: 2 } },
      { path: '/predictions/{model}', kind: 'torchserve', upstream: 'llm', classifier: { topK: 2, round: 2 } },
    ],
  };
}

function keyFileText(keys: readonly KeySpec[], hashes: Map<string, string>): string {
  const lines = ['keys:'];
  for (const k of keys) {
    lines.push(`  - id: ${k.id}`, `    scopes: [${(k.scopes ?? ['infer']).join(', ')}]`);
    if (k.models !== undefined) lines.push(`    models: [${k.models.map((m) => JSON.stringify(m)).join(', ')}]`);
    if (k.expires !== undefined) lines.push(`    expires: ${k.expires}`);
    if (k.limits !== undefined) lines.push(`    limits: ${JSON.stringify(k.limits)}`);
    lines.push('    secrets:', `      - hash: ${hashes.get(k.id) ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const upstream = options.upstream ?? (await startUpstream());
  const dir = mkdtempSync(join(tmpdir(), 'mg-gateway-'));
  const writeKeys = (specs: readonly KeySpec[]): Record<string, string> => {
    const hashes = new Map<string, string>();
    const plain: Record<string, string> = {};
    for (const k of specs) {
      const g = generateApiKey(k.id);
      hashes.set(k.id, g.hash);
      plain[k.id] = g.key;
    }
    writeFileSync(join(dir, 'keys.yaml'), keyFileText(specs, hashes));
    return plain;
  };
  const keys = writeKeys(options.keys ?? DEFAULT_KEYS);
  const config = defaultConfig(upstream.url);
  let gw: Gateway;
  try {
    options.mutate?.(config, upstream.url, dir);
    gw = await createGateway({ config, baseDir: dir, log: () => undefined, ...options.gateway });
  } catch (e) {
    if (options.upstream === undefined) await upstream.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const scheme = gw.config.listen.tls === undefined ? 'http' : 'https';
  const base = `${scheme}://127.0.0.1:${gw.address.port}`;
  const adminBase = gw.adminAddress === undefined ? '' : `http://127.0.0.1:${gw.adminAddress.port}`;
  const reply = async (r: Response): Promise<Reply> => {
    const text = await r.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, headers: r.headers, text, json };
  };
  let sent = 0;
  const counted = <T>(p: Promise<T>): Promise<T> => {
    sent++;
    return p;
  };
  const auth = (key: string | null | undefined): Record<string, string> => (key === null ? {} : { authorization: `Bearer ${key ?? keys['alice'] ?? ''}` });
  const h: Harness = {
    gw,
    upstream,
    dir,
    keys,
    base,
    adminBase,
    get sent() {
      return sent;
    },
    post: async (path, body, o = {}) =>
      reply(
        await counted(
          fetch(base + path, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...auth(o.key), ...o.headers },
            body: o.raw ?? JSON.stringify(body),
          }),
        ),
      ),
    chat: (content, o = {}) =>
      h.post(
        '/v1/chat/completions',
        { model: o.model ?? 'small-chat', messages: [{ role: 'user', content }], ...o.extra },
        { key: o.key ?? keys['alice'] ?? '' },
      ),
    streamChat: async (content, o = {}) => {
      const messages = [...(o.system === undefined ? [] : [{ role: 'system', content: o.system }]), { role: 'user', content }];
      const r = await h.post('/v1/chat/completions', { model: o.model ?? 'small-chat', stream: true, messages }, { key: o.key ?? keys['alice'] ?? '' });
      const events: any[] = [];
      const errors: any[] = [];
      let text = '';
      for (const block of r.text.split('\n\n')) {
        if (!block.startsWith('data: ')) continue;
        const data = block.slice(6);
        if (data === '[DONE]') {
          events.push('[DONE]');
          continue;
        }
        const j = JSON.parse(data);
        if (j.error !== undefined) errors.push(j.error);
        else {
          events.push(j);
          for (const c of (j.choices ?? []) as { delta?: { content?: string } }[]) text += c.delta?.content ?? '';
        }
      }
      return { status: r.status, events, text, errors };
    },
    admin: async (method, path, key) =>
      reply(await counted(fetch(adminBase + path, { method, headers: key === undefined ? {} : { authorization: `Bearer ${key}` } }))),
    audit: async (atLeast = sent) => {
      const file = join(dir, 'audit.jsonl');
      for (let i = 0; i < 200; i++) {
        const lines = existsSync(file)
          ? readFileSync(file, 'utf8')
              .split('\n')
              .filter((l) => l !== '')
          : [];
        if (lines.length >= atLeast) return lines.map((l) => JSON.parse(l) as AuditRecord);
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`fewer than ${atLeast} audit records`);
    },
    writeKeys,
    close: async () => {
      await gw.close();
      if (options.upstream === undefined) await upstream.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** The last audit record once `count` records exist. */
export async function lastAudit(h: Harness, count: number): Promise<AuditRecord> {
  const all = await h.audit(count);
  const r = all[count - 1];
  if (r === undefined) throw new Error('no audit record');
  return r;
}
