/**
 * Where fuzzed prompts go: the detector in-process (`offline`) or a
 * running gateway over HTTP (an OpenAI-compatible chat route). A prompt
 * counts as stopped when the gateway refuses it with a `detector/*` or
 * `filter/*` error, or when the detector flags it. Remote targets are
 * refused unless allowed: the fuzzer sends attacks, and only to a
 * loopback gateway by default.
 */
import { ModelguardError } from '../../errors.js';
import type { Detector } from '../types.js';

export interface Target {
  /** True when the prompt was stopped (flagged or refused). */
  judge(text: string): Promise<boolean>;
}

export function detectorTarget(d: Detector): Target {
  return { judge: (text) => Promise.resolve(d.detect(text).flagged) };
}

/** One request's time limit. */
const REQUEST_TIMEOUT_MS = 15_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export interface HttpTargetOptions {
  readonly url: string;
  readonly apiKey?: string;
  readonly model?: string;
  readonly allowRemote?: boolean;
  /** Requests this target will send at most (CWE-770: the fuzzer must not flood a service). */
  readonly maxRequests: number;
}

export function httpTarget(o: HttpTargetOptions): Target {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch (e) {
    throw new ModelguardError('E_USAGE', `not a URL: ${o.url}`, { cause: e });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ModelguardError('E_USAGE', 'the target must be an http(s) URL');
  if (!LOOPBACK.has(url.hostname) && o.allowRemote !== true)
    throw new ModelguardError('E_REFUSED', `${url.hostname} is not loopback; pass --allow-remote to fuzz it`);
  let sent = 0;
  return {
    async judge(text: string): Promise<boolean> {
      if (sent >= o.maxRequests) throw new ModelguardError('E_LIMIT', `request budget of ${o.maxRequests} spent`);
      sent++;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (o.apiKey !== undefined) headers.authorization = `Bearer ${o.apiKey}`;
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ model: o.model ?? 'default', messages: [{ role: 'user', content: text }] }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (e) {
        throw new ModelguardError('E_IO', `request to ${url.origin} failed`, { cause: e });
      }
      const body = await res.text();
      if (res.status === 401 || res.status === 403) throw new ModelguardError('E_REFUSED', `the target refused the API key (${res.status})`);
      if (res.status < 400) return false;
      let code = '';
      try {
        const c = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
        code = typeof c === 'string' ? c : '';
      } catch {
        code = '';
      }
      return code.startsWith('detector/') || code.startsWith('filter/');
    },
  };
}
