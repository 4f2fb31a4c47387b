/**
 * A complete (non-streamed) upstream response: read under limits, parsed,
 * checked against the route kind's response shape, classifier outputs
 * reduced, every output text analysed (canary, filters, detector,
 * sensitive data, placeholders restored), then re-serialised. Nothing of
 * the upstream's bytes or headers reaches the client unparsed.
 */
import type { IncomingMessage } from 'node:http';
import { refuse, type Refusal } from '../errors.js';
import { applyEdits } from '../filter/edits.js';
import { BadUpstreamResponse } from '../kinds/adapter.js';
import { analyseOutput } from '../proxy/output-analysis.js';
import { readUpstreamBody } from '../proxy/upstream.js';
import { sendJson } from '../http/respond.js';
import { shapeClassifierResponse } from '../steal/classifier.js';
import { parseJsonBody } from '../validate/json.js';
import { readSlot, writeSlot } from '../validate/schema.js';
import { noteAnalysis, observeQuery, type Exchange, type Usage } from './exchange.js';

/** Upstream JSON nesting accepted (CWE-674). */
const MAX_RESPONSE_DEPTH = 64;

export function badResponse(message: string): Refusal {
  return refuse(502, 'upstream/bad-response', message);
}

export async function relayBuffered(x: Exchange, upstream: IncomingMessage): Promise<Usage> {
  const up = x.rt.config.upstreams.get(x.route.config.upstream);
  if (up === undefined) throw badResponse('upstream vanished');
  const type = upstream.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    upstream.resume();
    throw badResponse(`the model server answered ${type === '' ? 'without a content type' : type}, not JSON`);
  }
  const bytes = await readUpstreamBody(upstream, up);
  let json: unknown;
  try {
    json = parseJsonBody(new TextDecoder('utf-8', { fatal: true }).decode(bytes), MAX_RESPONSE_DEPTH);
  } catch {
    throw badResponse('the model server answered with malformed JSON');
  }
  let predicted: string | undefined;
  if (x.route.config.classifier !== undefined) {
    const shaped = shapeClassifierResponse(json, x.route.config.classifier);
    json = shaped.json;
    predicted = shaped.top;
  }
  let texts;
  try {
    texts = x.route.adapter.response(json, x.route.config);
  } catch (e) {
    if (e instanceof BadUpstreamResponse) throw badResponse(e.message);
    throw e;
  }
  let chars = 0;
  for (const t of texts.texts) {
    const text = readSlot(t.slot);
    const a = analyseOutput(text, x.output);
    noteAnalysis(x.record, a);
    if (a.block !== undefined) throw refuse(502, a.block.reason, 'the response was withheld by the gateway', { rules: a.block.rules });
    const out = applyEdits(text, a.edits);
    chars += out.length;
    writeSlot(t.slot, out);
  }
  observeQuery(x, predicted);
  x.record.responseBytes = sendJson(x.res, 200, json, x.headers);
  const tokens = texts.tokens ?? Math.ceil((x.promptChars + chars) / 4);
  return { chars: x.promptChars + chars, tokens };
}
