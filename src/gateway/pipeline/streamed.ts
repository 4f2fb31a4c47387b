/**
 * A streamed (SSE) upstream response. Each `data:` event is parsed as JSON
 * and checked against the route kind's chunk shape; the text of each choice
 * goes through an `OutputBuffer`, which releases it only once the output
 * checks have seen enough of what follows (a placeholder or canary split
 * over two events is still restored or caught). Held-back text is released
 * with the choice's finish chunk or before `[DONE]`.
 *
 * Once the first event is out the status is 200; a block or failure after
 * that ends the stream with an `error` event (OpenAI's shape) instead.
 */
import type { IncomingMessage } from 'node:http';
import { Refusal, refuse } from '../errors.js';
import { BadUpstreamResponse, isObject } from '../kinds/adapter.js';
import { analyseOutput } from '../proxy/output-analysis.js';
import { OutputBuffer } from '../proxy/output-buffer.js';
import { SseParser } from '../proxy/sse.js';
import { parseJsonBody } from '../validate/json.js';
import { readSlot, writeSlot } from '../validate/schema.js';
import { badResponse } from './buffered.js';
import { noteAnalysis, observeQuery, type Exchange, type Usage } from './exchange.js';

const MAX_CHUNK_DEPTH = 32;

export function relayStream(x: Exchange, upstream: IncomingMessage, abortUpstream: () => void): Promise<Usage> {
  const up = x.rt.config.upstreams.get(x.route.config.upstream);
  const adapter = x.route.adapter;
  const type = upstream.headers['content-type'] ?? '';
  if (up === undefined || adapter.chunk === undefined || !/^text\/event-stream\b/i.test(type)) {
    upstream.resume();
    return Promise.reject(badResponse(`the model server answered ${type === '' ? 'without a content type' : type} to a stream request`));
  }
  const chunkOf = adapter.chunk.bind(adapter);
  const res = x.res;
  res.writeHead(200, {
    ...x.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  const parser = new SseParser();
  const buffers = new Map<number, OutputBuffer>();
  const bufferFor = (choice: number): OutputBuffer => {
    let b = buffers.get(choice);
    if (b === undefined) {
      b = new OutputBuffer(
        (text) => analyseOutput(text, x.output),
        (a) => {
          noteAnalysis(x.record, a);
        },
      );
      buffers.set(choice, b);
    }
    return b;
  };
  let template: Record<string, unknown> | undefined;
  let outChars = 0;
  let tokens: number | undefined;
  let done = false;
  // Read through a function: the event handlers below set `done`, which flow analysis cannot see.
  const isDone = (): boolean => done;

  return new Promise<Usage>((resolve) => {
    const write = (data: string): void => {
      const line = `data: ${data}\n\n`;
      x.record.responseBytes += Buffer.byteLength(line);
      if (!res.write(line)) {
        upstream.pause();
        res.once('drain', () => upstream.resume());
      }
    };
    const finish = (failure: Refusal | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      if (failure !== undefined) {
        x.record.reason = failure.reason;
        x.record.action = failure.status === 502 && failure.reason.startsWith('upstream/') ? 'failed' : failure.status === 504 ? 'failed' : 'blocked';
        for (const r of failure.rules) if (!x.record.rules.includes(r)) x.record.rules.push(r);
        write(JSON.stringify({ error: { type: 'modelguard_gateway', code: failure.reason, message: failure.message } }));
        abortUpstream();
      }
      res.end();
      resolve({ chars: x.promptChars + outChars, tokens: tokens ?? Math.ceil((x.promptChars + outChars) / 4) });
    };
    const release = (choice: number, text: string | undefined, final: boolean): string => {
      const b = bufferFor(choice);
      const r = text === undefined ? b.flush() : final ? (b.push(text), b.flush()) : b.push(text);
      if (r.block !== undefined) throw refuse(502, r.block.reason, 'the response was withheld by the gateway', { rules: r.block.rules });
      outChars += r.text.length;
      return r.text;
    };
    const flushAll = (): void => {
      for (const [choice, b] of buffers) {
        const r = b.flush();
        if (r.block !== undefined) throw refuse(502, r.block.reason, 'the response was withheld by the gateway', { rules: r.block.rules });
        outChars += r.text.length;
        if (r.text !== '' && template !== undefined && adapter.textChunk !== undefined) write(JSON.stringify(adapter.textChunk(template, choice, r.text)));
      }
    };
    const onEvent = (data: string): void => {
      if (data === '[DONE]') {
        flushAll();
        write('[DONE]');
        observeQuery(x, undefined);
        finish(undefined);
        return;
      }
      let json: unknown;
      try {
        json = parseJsonBody(data, MAX_CHUNK_DEPTH);
      } catch {
        throw badResponse('the model server sent a malformed stream event');
      }
      let texts;
      try {
        texts = chunkOf(json, x.route.config);
      } catch (e) {
        if (e instanceof BadUpstreamResponse) throw badResponse(e.message);
        throw e;
      }
      if (isObject(json)) template ??= json;
      if (texts.tokens !== undefined) tokens = texts.tokens;
      const seen = new Set<number>();
      for (const t of texts.texts) {
        seen.add(t.choice);
        writeSlot(t.slot, release(t.choice, readSlot(t.slot), texts.finished.includes(t.choice)));
      }
      for (const choice of texts.finished) {
        if (seen.has(choice)) continue;
        const rest = release(choice, undefined, true);
        if (rest !== '' && isObject(json)) adapter.appendText?.(json, choice, rest);
      }
      write(JSON.stringify(json));
    };
    const idle = setTimeout(() => {
      finish(refuse(504, 'upstream/timeout', `the model server stalled for ${up.idleTimeoutMs} ms`));
    }, up.idleTimeoutMs);
    upstream.on('data', (chunk: Buffer) => {
      if (done) return;
      idle.refresh();
      try {
        for (const data of parser.push(chunk)) {
          onEvent(data);
          if (isDone()) return;
        }
      } catch (e) {
        finish(e instanceof Refusal ? e : badResponse(e instanceof Error ? e.message : 'bad stream'));
      }
    });
    upstream.on('end', () => {
      if (done) return;
      try {
        flushAll();
      } catch (e) {
        finish(e instanceof Refusal ? e : badResponse('bad stream'));
        return;
      }
      finish(
        parser.pending
          ? badResponse('the model server cut the stream mid-event')
          : refuse(502, 'upstream/truncated', 'the model server ended the stream without [DONE]'),
      );
    });
    upstream.on('error', () => {
      finish(badResponse('the model server broke the stream off'));
    });
    res.on('close', () => {
      if (done) return;
      x.record.action = 'aborted';
      x.record.reason = 'client/closed';
      done = true;
      clearTimeout(idle);
      abortUpstream();
      resolve({ chars: x.promptChars + outChars, tokens: tokens ?? Math.ceil((x.promptChars + outChars) / 4) });
    });
  });
}
