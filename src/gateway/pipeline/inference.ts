/**
 * The inference listener's request handler, as named steps:
 * address limit -> header count -> route -> key, scope -> extraction block
 * -> key limits and budgets -> body (size, time, UTF-8, JSON depth and
 * duplicates) -> schema and kind checks -> model allowlists -> request text
 * (validate, filter, verify, protect) -> canary -> capacity -> upstream ->
 * response (buffered or streamed) -> charge budgets.
 * Every exit writes one audit record; any refusal is a JSON error with a
 * stable `code`; an unexpected exception is a 500 without details and the
 * gateway keeps serving.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AuditRecord } from '../audit/record.js';
import { presentedKey, requireModel, requireScope } from '../auth/key-store.js';
import { Refusal, refuse } from '../errors.js';
import { checkBodyHeaders, decodeUtf8, readBody } from '../http/body.js';
import { sendError } from '../http/respond.js';
import { callUpstream } from '../proxy/upstream.js';
import { numericFeatures, textFeatures } from '../steal/features.js';
import { parseJsonBody } from '../validate/json.js';
import { newCanary } from '../verify/canary.js';
import { relayBuffered } from './buffered.js';
import type { Exchange, Usage } from './exchange.js';
import { processRequestTexts } from './request-texts.js';
import { matchRoute, upstreamPath } from './route-table.js';
import type { Runtime } from './runtime.js';
import { relayStream } from './streamed.js';

export function newRecord(req: IncomingMessage, listener: AuditRecord['listener'], now: number): AuditRecord {
  const socket = req.socket as Partial<TLSSocket>;
  const cert = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
  return {
    ts: new Date(now).toISOString(),
    id: randomUUID(),
    listener,
    addr: req.socket.remoteAddress ?? '-',
    method: req.method ?? '-',
    path: (req.url ?? '').split('?')[0]?.slice(0, 256) ?? '',
    route: undefined,
    keyId: undefined,
    model: undefined,
    status: 0,
    action: 'forwarded',
    reason: undefined,
    rules: [],
    shadow: [],
    detectorScore: undefined,
    requestBytes: 0,
    responseBytes: 0,
    stream: false,
    upstreamStatus: undefined,
    upstreamMs: undefined,
    latencyMs: 0,
    tokens: undefined,
    chars: undefined,
    promptHash: undefined,
    prompt: undefined,
    clientCert: cert !== undefined && 'fingerprint256' in cert && typeof cert.fingerprint256 === 'string' ? cert.fingerprint256 : undefined,
    pradaW: undefined,
  };
}

/** Ends the exchange: status, metrics, the audit line. */
export function finishRecord(rt: Runtime, record: AuditRecord, started: bigint, status: number): void {
  record.status = status;
  record.latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
  rt.metrics.requests.inc({ route: record.route ?? '-', status: String(status), action: record.action });
  rt.metrics.latency.observe({ route: record.route ?? '-' }, record.latencyMs);
  if (record.reason !== undefined && record.action !== 'forwarded') rt.metrics.refusals.inc({ reason: record.reason });
  for (const r of record.rules) rt.metrics.rules.inc({ rule: r });
  rt.audit.write(record);
}

export function inferenceHandler(rt: Runtime): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const record = newRecord(req, 'inference', rt.now());
    handle(rt, req, res, record).then(
      (status) => {
        finishRecord(rt, record, started, status);
      },
      (e: unknown) => {
        const status = failed(rt, req, res, record, e);
        finishRecord(rt, record, started, status);
      },
    );
  };
}

/** Turns a thrown value into the response and the record's outcome. */
function failed(rt: Runtime, req: IncomingMessage, res: ServerResponse, record: AuditRecord, e: unknown): number {
  // A body left unread must not be parsed as the next request on this connection.
  const close = req.complete ? {} : { connection: 'close' };
  if (e instanceof Refusal && e.reason.startsWith('upstream/') && res.destroyed && !res.headersSent) {
    // The client went away and the upstream call was cut because of it: not an upstream failure.
    record.reason = 'client/closed';
    record.action = 'aborted';
    return 499;
  }
  if (e instanceof Refusal) {
    record.reason = e.reason;
    record.action = e.status === 502 || e.status === 504 ? (e.reason.startsWith('upstream/') ? 'failed' : 'blocked') : 'refused';
    for (const r of e.rules) if (!record.rules.includes(r)) record.rules.push(r);
    if (e.reason.startsWith('upstream/')) rt.metrics.upstreamErrors.inc({ reason: e.reason });
    if (res.headersSent) return res.statusCode;
    record.responseBytes = sendError(res, e.status, e.reason, e.message, { ...e.headers, ...close });
    return e.status;
  }
  record.reason = 'internal/error';
  record.action = 'failed';
  rt.log(`internal error on ${record.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  if (res.headersSent) {
    res.destroy();
    return res.statusCode;
  }
  record.responseBytes = sendError(res, 500, 'internal/error', 'internal error', close);
  return 500;
}

async function handle(rt: Runtime, req: IncomingMessage, res: ServerResponse, record: AuditRecord): Promise<number> {
  const addressHeaders = await rt.limiter.checkAddress(record.addr);
  if (req.rawHeaders.length / 2 > rt.config.listen.maxHeaders)
    throw refuse(431, 'request/header-flood', `more than ${rt.config.listen.maxHeaders} header fields`);
  const match = matchRoute(rt.routes, record.path);
  if (match === undefined) throw refuse(404, 'route/not-found', 'no such route');
  const route = match.route;
  const cfg = route.config;
  record.route = cfg.path;
  if (req.method !== 'POST') throw refuse(405, 'route/method', 'use POST', { headers: { allow: 'POST' } });

  const key = rt.keys.authenticate(presentedKey(req.headers));
  record.keyId = key.id;
  requireScope(key, cfg.scope);
  if (route.prada !== undefined && cfg.steal.prada?.action === 'block' && route.prada.isFlagged(key.id)) {
    throw refuse(429, 'steal/extraction', 'query pattern matches model extraction; this key is blocked on this route', { rules: ['steal/extraction'] });
  }
  const keyHeaders = await rt.limiter.checkKey(key.id, key.perKey, key.daily);
  await rt.limiter.checkQueryBudget(key.id, cfg.path, cfg.steal.queriesPerDay);
  const headers = { ...addressHeaders, ...keyHeaders };

  checkBodyHeaders(req, rt.config.limits.maxBodyBytes);
  const raw = await readBody(req, rt.config.limits.maxBodyBytes, rt.config.limits.bodyIdleTimeoutMs);
  record.requestBytes = raw.length;
  const body = parseJsonBody(decodeUtf8(raw), cfg.validation.maxJsonDepth);
  const parsed = route.adapter.parse(body, match.model, cfg);
  record.model = parsed.model;
  record.stream = parsed.stream;
  requireModel(key, cfg.models, parsed.model);

  const texts = processRequestTexts(parsed, route, record);
  if (texts.joined !== '') {
    record.promptHash = rt.hashPrompt(texts.joined);
    if (rt.config.audit.logPrompts) record.prompt = texts.joined;
  }
  const canary = cfg.canary && route.adapter.plantCanary !== undefined ? newCanary() : undefined;
  if (canary !== undefined) route.adapter.plantCanary?.(parsed, canary.instruction);
  const query = route.prada === undefined ? undefined : parsed.numbers !== undefined ? numericFeatures(parsed.numbers) : textFeatures(texts.joined);

  const upstream = rt.config.upstreams.get(cfg.upstream);
  const agent = rt.agents.get(cfg.upstream);
  if (upstream === undefined || agent === undefined) throw new Error(`route ${cfg.path} has no upstream`);
  const release = await rt.gate.acquire();
  let usage: Usage;
  try {
    const payload = Buffer.from(JSON.stringify(parsed.body));
    const t0 = process.hrtime.bigint();
    const call = callUpstream(upstream, agent, upstreamPath(cfg, match.model), payload, record.id, parsed.stream ? 'text/event-stream' : 'application/json');
    res.once('close', () => {
      if (!res.writableFinished) call.abort();
    });
    const response = await call.response;
    record.upstreamMs = Number(process.hrtime.bigint() - t0) / 1e6;
    record.upstreamStatus = response.statusCode;
    rt.metrics.upstreamLatency.observe({ upstream: cfg.upstream }, record.upstreamMs);
    const status = response.statusCode ?? 502;
    if (status < 200 || status > 299) {
      response.resume();
      // The upstream's error body is not relayed (it is unvalidated and may leak internals); its 4xx status is.
      throw refuse(status >= 400 && status < 500 ? status : 502, 'upstream/status', `the model server answered ${status}`);
    }
    const exchange: Exchange = {
      rt,
      route,
      record,
      parsed,
      output: { route: cfg, detector: route.detector, canary, placeholders: texts.placeholders, categories: route.responseCategories },
      keyId: key.id,
      query,
      headers,
      res,
      promptChars: texts.joined.length,
    };
    usage = parsed.stream
      ? await relayStream(exchange, response, () => {
          call.abort();
        })
      : await relayBuffered(exchange, response);
  } finally {
    release();
  }
  record.chars = usage.chars;
  record.tokens = usage.tokens;
  const quota = key.daily ?? rt.config.limits.daily;
  if (quota.chars !== undefined || quota.tokens !== undefined)
    await rt.limiter.charge(key.id, quota.chars === undefined ? 0 : usage.chars, quota.tokens === undefined ? 0 : usage.tokens);
  return res.statusCode;
}
