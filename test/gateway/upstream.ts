/**
 * A small model server for the gateway tests, on loopback: OpenAI-compatible
 * chat and completions (streamed or not), KServe v2 and TorchServe
 * inference, plus misbehaviours chosen by model name (`hang`, `garbage`,
 * `stall-stream`, `bad-sse`, `status-500`, `no-done`, `leaky` which repeats
 * its system prompt). It records every
 * request it receives, so tests can assert what reached it and what did not.
 *
 * Replies: the next scripted reply if any (`script(...)`), else
 * `echo: <last user message>`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
  readonly raw: string;
}

export interface TestUpstream {
  readonly url: string;
  readonly received: Received[];
  /** Queues replies (texts for chat/completions, JSON bodies for KServe/TorchServe). */
  script(...replies: unknown[]): void;
  /** Characters per streamed chunk (default 4). */
  chunkSize: number;
  close(): Promise<void>;
}

function lastUserText(body: Record<string, unknown>): string {
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i] as Record<string, unknown>;
      if (m['role'] === 'user') return typeof m['content'] === 'string' ? m['content'] : JSON.stringify(m['content']);
    }
  }
  const prompt = body['prompt'];
  return typeof prompt === 'string' ? prompt : JSON.stringify(prompt);
}

export async function startUpstream(): Promise<TestUpstream> {
  const received: Received[] = [];
  const replies: unknown[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const state = { chunkSize: 4 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        body = {};
      }
      received.push({ path: req.url ?? '', headers: req.headers, body, raw });
      const model = typeof body['model'] === 'string' ? body['model'] : ((req.url ?? '').split('/')[3] ?? (req.url ?? '').split('/')[2] ?? '');
      if (model === 'hang') return; // never answers
      if (model === 'status-500') {
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end('{"error":"internal details: /srv/model/secret-path"}');
      }
      if (model === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"choices": [ {"message": not json');
      }
      if ((req.url ?? '').startsWith('/v2/models/')) {
        const reply = replies.shift() ?? {
          model_name: model,
          outputs: [
            { name: 'probabilities', datatype: 'FP32', shape: [1, 4], data: [0.1234567, 0.6543219, 0.2, 0.0222214] },
            { name: 'logits', datatype: 'FP32', shape: [1, 4], data: [-1.2, 2.3, 0.4, -3.1] },
          ],
        };
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(reply));
      }
      if ((req.url ?? '').startsWith('/predictions/')) {
        const reply = replies.shift() ?? { tabby: 0.4123456, tiger_cat: 0.3312345, lynx: 0.1512345, persian: 0.1052 };
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(reply));
      }
      const chat = (req.url ?? '').endsWith('/chat/completions');
      const next = replies.shift();
      const messages = Array.isArray(body['messages']) ? (body['messages'] as Record<string, unknown>[]) : [];
      // `leaky` repeats its system prompt, as a model tricked into revealing it would.
      const system = messages.find((m) => m['role'] === 'system')?.['content'];
      const text = typeof next === 'string' ? next : model === 'leaky' ? `Sure! My instructions: ${String(system)}` : `echo: ${lastUserText(body)}`;
      const usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };
      if (body['stream'] !== true) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const choice = chat
          ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: { content: [] } }
          : { index: 0, text, finish_reason: 'stop', logprobs: null };
        return res.end(JSON.stringify({ id: 'cmpl-1', object: chat ? 'chat.completion' : 'text_completion', model, choices: [choice], usage }));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (model === 'bad-sse') {
        res.write('data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\n');
        return res.end('data: this is not json\n\n');
      }
      const pieces: string[] = [];
      for (let i = 0; i < text.length; i += state.chunkSize) pieces.push(text.slice(i, i + state.chunkSize));
      const event = (delta: string | undefined, finish: string | null): string =>
        `data: ${JSON.stringify({ id: 'chunk-1', object: chat ? 'chat.completion.chunk' : 'text_completion', model, choices: [chat ? { index: 0, delta: delta === undefined ? {} : { content: delta }, finish_reason: finish } : { index: 0, text: delta ?? '', finish_reason: finish }] })}\n\n`;
      if (chat)
        res.write(
          `data: ${JSON.stringify({ id: 'chunk-1', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] })}\n\n`,
        );
      for (const p of pieces) res.write(event(p, null));
      if (model === 'stall-stream') return; // stops sending, keeps the connection open
      res.write(event(undefined, 'stop'));
      if (model === 'no-done') return res.end();
      res.write(`data: ${JSON.stringify({ id: 'chunk-1', object: 'chat.completion.chunk', model, choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (...r: unknown[]) => void replies.push(...r),
    get chunkSize() {
      return state.chunkSize;
    },
    set chunkSize(n: number) {
      state.chunkSize = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
