/**
 * Where keyless signing sends its requests: Fulcio (certificates), Rekor
 * (transparency log, v1 API) and optionally an RFC 3161 timestamp
 * authority. Defaults to the Sigstore public-good instance; overridden by
 * explicit URLs or by a Sigstore signing config (`signingconfig.v0.2`, or
 * v0.1), bare or inside a client trust config (the `--trust-config` file
 * that `verify sigstore` also reads for its trusted root).
 */
import { readFileSync, statSync } from 'node:fs';
import { ModelguardError } from '../errors.js';

export interface SigstoreServices {
  fulcioUrl: string;
  rekorUrl: string;
  /** RFC 3161 timestamp authority; none by default. */
  tsaUrl?: string;
}

export const PUBLIC_GOOD_SERVICES: SigstoreServices = { fulcioUrl: 'https://fulcio.sigstore.dev', rekorUrl: 'https://rekor.sigstore.dev' };

/** Largest trust or signing config read (public-good's is ~10 KiB; CWE-400). */
const MAX_CONFIG_BYTES = 1024 * 1024;
const SIGNING_V02 = 'application/vnd.dev.sigstore.signingconfig.v0.2+json';
const SIGNING_V01 = 'application/vnd.dev.sigstore.signingconfig.v0.1+json';

function usage(message: string): ModelguardError {
  return new ModelguardError('E_USAGE', message);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A service URL: https, or http only on the loopback interface (a token
 * sent in clear over the network could be replayed). Trailing slashes go.
 */
export function serviceUrl(url: string, what: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw usage(`${what} URL '${url}' is not a URL`);
  }
  if (u.username !== '' || u.password !== '') throw usage(`${what} URL must not hold credentials`);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) {
    throw usage(`${what} URL must be https (plain http only for localhost): ${u.origin}`);
  }
  return url.replace(/\/+$/, '');
}

export function checkServices(s: SigstoreServices): SigstoreServices {
  return {
    fulcioUrl: serviceUrl(s.fulcioUrl, 'Fulcio'),
    rekorUrl: serviceUrl(s.rekorUrl, 'Rekor'),
    ...(s.tsaUrl === undefined ? {} : { tsaUrl: serviceUrl(s.tsaUrl, 'timestamp authority') }),
  };
}

interface Service {
  url: string;
  majorApiVersion: number;
  start: number;
}

function services(v: unknown, what: string, now: number): Service[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > 100) throw usage(`signing config: ${what} must be a list (of at most 100)`);
  const out: Service[] = [];
  for (const s of v as unknown[]) {
    const o = (typeof s === 'object' && s !== null ? s : {}) as { url?: unknown; majorApiVersion?: unknown; validFor?: { start?: unknown; end?: unknown } };
    if (typeof o.url !== 'string') throw usage(`signing config: an entry of ${what} has no url`);
    const start = typeof o.validFor?.start === 'string' ? Date.parse(o.validFor.start) : 0;
    const end = typeof o.validFor?.end === 'string' ? Date.parse(o.validFor.end) : Infinity;
    if (start <= now && now < end) out.push({ url: o.url, majorApiVersion: typeof o.majorApiVersion === 'number' ? o.majorApiVersion : 1, start });
  }
  // Like @sigstore/sign: among the services valid now, the most recent first.
  return out.sort((a, b) => b.start - a.start);
}

function pick(list: Service[], version: number, what: string): string {
  const s = list.find((x) => x.majorApiVersion === version);
  if (s === undefined) throw usage(`signing config: no ${what} with API v${version} valid now`);
  return s.url;
}

/** Services named by a signing config, or a client trust config holding one. */
export function servicesFromConfig(doc: unknown, now: Date = new Date()): SigstoreServices {
  if (typeof doc !== 'object' || doc === null) throw usage('signing config: not a JSON object');
  let c = doc as Record<string, unknown>;
  if (c['signingConfig'] !== undefined) c = (c['signingConfig'] ?? {}) as Record<string, unknown>;
  const t = now.getTime();
  if (c['mediaType'] === SIGNING_V02) {
    const tsa = services(c['tsaUrls'], 'tsaUrls', t).filter((x) => x.majorApiVersion === 1);
    return checkServices({
      fulcioUrl: pick(services(c['caUrls'], 'caUrls', t), 1, 'Fulcio (caUrls)'),
      rekorUrl: pick(services(c['rekorTlogUrls'], 'rekorTlogUrls', t), 1, 'Rekor (rekorTlogUrls)'),
      ...(tsa[0] === undefined ? {} : { tsaUrl: tsa[0].url }),
    });
  }
  if (c['mediaType'] === SIGNING_V01) {
    const tlogs = c['tlogUrls'];
    const tsas = c['tsaUrls'];
    const first = (v: unknown): string | undefined => (Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);
    const rekorUrl = first(tlogs);
    if (typeof c['caUrl'] !== 'string' || rekorUrl === undefined) throw usage('signing config v0.1: caUrl and tlogUrls are required');
    const tsaUrl = first(tsas);
    return checkServices({ fulcioUrl: c['caUrl'], rekorUrl, ...(tsaUrl === undefined ? {} : { tsaUrl }) });
  }
  throw usage(`not a Sigstore signing config (mediaType ${JSON.stringify(c['mediaType'] ?? null)}); expected ${SIGNING_V02}, bare or in a client trust config`);
}

/** Reads `servicesFromConfig` from a JSON file. */
export function loadSigningServices(path: string): SigstoreServices {
  let text: string;
  try {
    if (statSync(path).size > MAX_CONFIG_BYTES) throw usage(`${path} is larger than ${MAX_CONFIG_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ModelguardError) throw e;
    throw new ModelguardError('E_IO', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ModelguardError('E_USAGE', `${path} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  return servicesFromConfig(doc);
}
