/**
 * OpenAI-compatible `/v1/chat/completions` (vLLM, llama.cpp server, TGI,
 * Ollama and the hosted APIs all speak it). Every field of the request is
 * declared; message contents are free text with their author's role.
 */
import type { RouteConfig, ValidationConfig } from '../config/types.js';
import { refuse } from '../errors.js';
import { readSlot, validateSchema, type Schema } from '../validate/schema.js';
import { type Author, type ParsedRequest, type RequestText, type RouteAdapter } from './adapter.js';
import { appendText, choiceTexts, samplingFields, textChunk } from './openai-common.js';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

function buildChatSchema(v: ValidationConfig): Schema {
  const roles = ['user', 'assistant', ...(v.allowSystem ? ['system', 'developer'] : []), ...(v.allowTools ? ['tool'] : [])];
  const text: Schema = { type: 'string', maxLength: v.maxChars, text: true };
  const part: Schema = { type: 'object', properties: { type: { type: 'string', enum: ['text'] }, text }, required: ['type', 'text'] };
  const content: Schema = { anyOf: [text, { type: 'array', items: part, minItems: 1, maxItems: 64 }, { type: 'null' }] };
  const message: Record<string, Schema> = { role: { type: 'string', enum: roles }, content, name: { type: 'string', pattern: NAME } };
  const fields = samplingFields(v);
  fields['max_completion_tokens'] = { type: 'integer', minimum: 1, maximum: v.maxOutputTokens };
  fields['response_format'] = {
    type: 'object',
    properties: { type: { type: 'string', enum: ['text', 'json_object', 'json_schema'] }, json_schema: { type: 'json' } },
    required: ['type'],
  };
  if (v.allowLogprobs) {
    fields['logprobs'] = { type: 'boolean' };
    fields['top_logprobs'] = { type: 'integer', minimum: 0, maximum: 20 };
  }
  if (v.allowTools) {
    message['tool_call_id'] = { type: 'string', maxLength: 128 };
    message['tool_calls'] = {
      type: 'array',
      maxItems: 32,
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', maxLength: 128 },
          type: { type: 'string', enum: ['function'] },
          function: {
            type: 'object',
            properties: { name: { type: 'string', pattern: NAME }, arguments: { type: 'string', maxLength: v.maxChars, text: true } },
            required: ['name', 'arguments'],
          },
        },
        required: ['id', 'type', 'function'],
      },
    };
    fields['tools'] = {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        properties: {
          type: { type: 'string', enum: ['function'] },
          function: {
            type: 'object',
            properties: {
              name: { type: 'string', pattern: NAME },
              description: { type: 'string', maxLength: 4096, text: true },
              parameters: { type: 'json' },
              strict: { type: 'boolean' },
            },
            required: ['name'],
          },
        },
        required: ['type', 'function'],
      },
    };
    fields['tool_choice'] = { anyOf: [{ type: 'string', enum: ['none', 'auto', 'required'] }, { type: 'json' }] };
    fields['parallel_tool_calls'] = { type: 'boolean' };
  }
  fields['messages'] = { type: 'array', items: { type: 'object', properties: message, required: ['role'] }, minItems: 1, maxItems: v.maxMessages };
  return { type: 'object', properties: fields, required: ['model', 'messages'] };
}

const MESSAGE_INDEX = /^messages\[(\d+)\]/;

/** Built once per route's validation settings. */
const cache = new WeakMap<ValidationConfig, Schema>();
function chatSchema(v: ValidationConfig): Schema {
  let s = cache.get(v);
  if (s === undefined) {
    s = buildChatSchema(v);
    cache.set(v, s);
  }
  return s;
}

export const openAIChat: RouteAdapter = {
  parse(body: unknown, _pathModel: string | undefined, route: RouteConfig): ParsedRequest {
    const slots = validateSchema(chatSchema(route.validation), body);
    const b = body as Record<string, unknown>;
    const messages = b['messages'] as Record<string, unknown>[];
    const texts: RequestText[] = slots.map((slot) => {
      const m = MESSAGE_INDEX.exec(slot.path);
      const role = m === null ? undefined : messages[Number(m[1])]?.['role'];
      const author: Author = role === 'system' || role === 'developer' ? 'system' : role === 'assistant' ? 'assistant' : role === 'tool' ? 'tool' : 'user';
      return { slot, author };
    });
    const chars = texts.reduce((n, t) => n + readSlot(t.slot).length, 0);
    if (chars > route.validation.maxChars)
      throw refuse(400, 'schema/length', `more than ${route.validation.maxChars} characters of text`, { rules: ['schema/length'] });
    return { body: b, model: b['model'] as string, stream: b['stream'] === true, texts, numbers: undefined };
  },

  plantCanary(req: ParsedRequest, instruction: string): void {
    const messages = req.body['messages'] as Record<string, unknown>[];
    const first = messages[0];
    if (first !== undefined && (first['role'] === 'system' || first['role'] === 'developer') && typeof first['content'] === 'string') {
      first['content'] = `${first['content']}\n\n${instruction}`;
    } else {
      messages.unshift({ role: 'system', content: instruction });
    }
  },

  response(json: unknown, route: RouteConfig) {
    return choiceTexts(json, route.validation, 'message', 'content');
  },

  chunk(json: unknown, route: RouteConfig) {
    // A usage-only final chunk has an empty choices array; that reads as no text.
    return choiceTexts(json, route.validation, 'delta', 'content');
  },

  textChunk: (template, index, text) => textChunk(template, index, text, 'delta', 'content'),
  appendText: (chunk, index, text) => {
    appendText(chunk, index, text, 'delta', 'content');
  },
};
