/** Pieces shared by the OpenAI chat and completions routes: sampling fields, response shapes. */
import type { ValidationConfig } from '../config/types.js';
import type { Schema } from '../validate/schema.js';
import { BadUpstreamResponse, isObject, type OutputText, type ResponseTexts } from './adapter.js';

export const MODEL_NAME = /^[A-Za-z0-9._:/@-]{1,128}$/;

/** Request fields every OpenAI generation endpoint accepts, bounded by the route's validation settings. */
export function samplingFields(v: ValidationConfig): Record<string, Schema> {
  const fields: Record<string, Schema> = {
    model: { type: 'string', pattern: MODEL_NAME },
    max_tokens: { type: 'integer', minimum: 1, maximum: v.maxOutputTokens },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    n: { type: 'integer', minimum: 1, maximum: v.maxChoices },
    stream: { type: 'boolean' },
    stream_options: { type: 'object', properties: { include_usage: { type: 'boolean' } } },
    stop: { anyOf: [{ type: 'string', maxLength: 256 }, { type: 'array', items: { type: 'string', maxLength: 256 }, maxItems: 4 }, { type: 'null' }] },
    presence_penalty: { type: 'number', minimum: -2, maximum: 2 },
    frequency_penalty: { type: 'number', minimum: -2, maximum: 2 },
    seed: { type: 'integer' },
    user: { type: 'string', maxLength: 256 },
  };
  if (v.allowLogprobs) fields['logit_bias'] = { type: 'map', values: { type: 'number', minimum: -100, maximum: 100 }, maxProperties: 300 };
  return fields;
}

export function usageTokens(json: Record<string, unknown>): number | undefined {
  const u = json['usage'];
  if (!isObject(u)) return undefined;
  const t = u['total_tokens'];
  return typeof t === 'number' && Number.isSafeInteger(t) && t >= 0 ? t : undefined;
}

/** Upstream choices: a bounded array of objects (a response is untrusted too). */
export function choicesOf(json: unknown, maxChoices: number): Record<string, unknown>[] {
  if (!isObject(json)) throw new BadUpstreamResponse('response is not a JSON object');
  const choices = json['choices'];
  if (!Array.isArray(choices)) throw new BadUpstreamResponse('response has no choices array');
  if (choices.length > maxChoices + 1) throw new BadUpstreamResponse('response has more choices than requested');
  return choices.map((c) => {
    if (!isObject(c)) throw new BadUpstreamResponse('a choice is not an object');
    return c;
  });
}

export function choiceIndex(c: Record<string, unknown>, fallback: number, maxChoices: number): number {
  const i = c['index'];
  if (i === undefined) return fallback;
  if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0 || i >= Math.max(maxChoices, 1) + 1)
    throw new BadUpstreamResponse('choice index out of range');
  return i;
}

/**
 * Reads `field` of `holderKey` in each choice (chat: message.content or
 * delta.content; completions: text) as output text. `logprobs` are removed
 * unless the route allows them (they carry the model's raw distribution).
 */
export function choiceTexts(json: unknown, v: ValidationConfig, holderKey: string | undefined, field: string): ResponseTexts {
  const choices = choicesOf(json, v.maxChoices);
  const texts: OutputText[] = [];
  const finished: number[] = [];
  choices.forEach((c, n) => {
    const index = choiceIndex(c, n, v.maxChoices);
    if (!v.allowLogprobs) delete c['logprobs'];
    const holder = holderKey === undefined ? c : c[holderKey];
    if (holderKey !== undefined && holder !== undefined && !isObject(holder)) throw new BadUpstreamResponse(`choice ${holderKey} is not an object`);
    if (isObject(holder)) {
      const t = holder[field];
      if (typeof t === 'string')
        texts.push({ slot: { holder, key: field, path: `choices[${n}].${holderKey === undefined ? '' : `${holderKey}.`}${field}` }, choice: index });
      else if (t !== undefined && t !== null) throw new BadUpstreamResponse(`choice ${field} is not a string`);
    }
    const fr = c['finish_reason'];
    if (fr !== undefined && fr !== null) finished.push(index);
  });
  return { texts, tokens: usageTokens(json as Record<string, unknown>), finished };
}

/** Chunk helpers for streams: the choice's text lives at `holderKey.field` (chat: delta.content) or `field` (completions: text). */
export function textChunk(
  template: Record<string, unknown>,
  index: number,
  text: string,
  holderKey: string | undefined,
  field: string,
): Record<string, unknown> {
  const choice: Record<string, unknown> = { index, finish_reason: null };
  if (holderKey === undefined) choice[field] = text;
  else choice[holderKey] = { [field]: text };
  const { usage: _usage, ...rest } = template;
  return { ...rest, choices: [choice] };
}

export function appendText(chunk: Record<string, unknown>, index: number, text: string, holderKey: string | undefined, field: string): void {
  const choices = chunk['choices'];
  if (!Array.isArray(choices)) return;
  const c = choices.find((x, n) => isObject(x) && (x['index'] ?? n) === index) as Record<string, unknown> | undefined;
  if (c === undefined) return;
  if (holderKey === undefined) c[field] = `${typeof c[field] === 'string' ? c[field] : ''}${text}`;
  else {
    const h = isObject(c[holderKey]) ? c[holderKey] : {};
    h[field] = `${typeof h[field] === 'string' ? h[field] : ''}${text}`;
    c[holderKey] = h;
  }
}
