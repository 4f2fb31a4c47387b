/** OpenAI-compatible `/v1/completions`: a prompt (or a few) in, text choices out. */
import type { RouteConfig, ValidationConfig } from '../config/types.js';
import { refuse } from '../errors.js';
import { readSlot, validateSchema, type Schema } from '../validate/schema.js';
import type { ParsedRequest, RouteAdapter } from './adapter.js';
import { appendText, choiceTexts, samplingFields, textChunk } from './openai-common.js';

function buildCompletionsSchema(v: ValidationConfig): Schema {
  const text: Schema = { type: 'string', maxLength: v.maxChars, text: true };
  const fields = samplingFields(v);
  fields['prompt'] = { anyOf: [text, { type: 'array', items: text, minItems: 1, maxItems: v.maxMessages }] };
  fields['suffix'] = text;
  fields['echo'] = { type: 'boolean' };
  if (v.allowLogprobs) fields['logprobs'] = { type: 'integer', minimum: 0, maximum: 5 };
  return { type: 'object', properties: fields, required: ['model', 'prompt'] };
}

/** Built once per route's validation settings. */
const cache = new WeakMap<ValidationConfig, Schema>();
function completionsSchema(v: ValidationConfig): Schema {
  let s = cache.get(v);
  if (s === undefined) {
    s = buildCompletionsSchema(v);
    cache.set(v, s);
  }
  return s;
}

export const openAICompletions: RouteAdapter = {
  parse(body: unknown, _pathModel: string | undefined, route: RouteConfig): ParsedRequest {
    const slots = validateSchema(completionsSchema(route.validation), body);
    const chars = slots.reduce((n, s) => n + readSlot(s).length, 0);
    if (chars > route.validation.maxChars)
      throw refuse(400, 'schema/length', `more than ${route.validation.maxChars} characters of text`, { rules: ['schema/length'] });
    const b = body as Record<string, unknown>;
    return { body: b, model: b['model'] as string, stream: b['stream'] === true, texts: slots.map((slot) => ({ slot, author: 'user' })), numbers: undefined };
  },

  response(json: unknown, route: RouteConfig) {
    return choiceTexts(json, route.validation, undefined, 'text');
  },

  chunk(json: unknown, route: RouteConfig) {
    return choiceTexts(json, route.validation, undefined, 'text');
  },

  textChunk: (template, index, text) => textChunk(template, index, text, undefined, 'text'),
  appendText: (chunk, index, text) => {
    appendText(chunk, index, text, undefined, 'text');
  },
};
