/**
 * Plain JSON routes and TorchServe `POST /predictions/{model}`: the request
 * schema is the route's own (declared in YAML); every string of the
 * response is output text. TorchServe's default schema accepts what its
 * stock handlers read: `{"data": ...}` or `{"instances": [...]}`.
 */
import type { RouteConfig } from '../config/types.js';
import { validateSchema, type Schema } from '../validate/schema.js';
import { BadUpstreamResponse, type OutputText, type ParsedRequest, type RouteAdapter } from './adapter.js';

/** Strings walked in a response (CWE-400 on a hostile upstream). */
const MAX_RESPONSE_STRINGS = 100_000;
const MAX_RESPONSE_DEPTH = 64;

const TORCHSERVE_DEFAULT: Schema = {
  anyOf: [
    {
      type: 'object',
      properties: {
        data: {
          anyOf: [
            { type: 'string', maxLength: 100_000, text: true },
            { type: 'array', items: { type: 'number' }, maxItems: 1_000_000 },
          ],
        },
      },
      required: ['data'],
    },
    {
      type: 'object',
      properties: {
        instances: {
          type: 'array',
          items: {
            anyOf: [
              { type: 'string', maxLength: 100_000, text: true },
              { type: 'array', items: { type: 'number' }, maxItems: 1_000_000 },
            ],
          },
          minItems: 1,
          maxItems: 256,
        },
      },
      required: ['instances'],
    },
  ],
};

function numbersIn(v: unknown, out: number[], max: number, depth = 0): void {
  if (out.length >= max || depth > MAX_RESPONSE_DEPTH) return;
  if (typeof v === 'number') out.push(v);
  else if (Array.isArray(v)) for (const x of v) numbersIn(x, out, max, depth + 1);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) numbersIn(x, out, max, depth + 1);
}

export function stringsIn(v: unknown, out: OutputText[], path = '', depth = 0): void {
  if (depth > MAX_RESPONSE_DEPTH) throw new BadUpstreamResponse('response nested too deep');
  if (Array.isArray(v) || (typeof v === 'object' && v !== null)) {
    const holder = v as Record<string, unknown>;
    for (const k of Object.keys(holder)) {
      const x = holder[k];
      const key = Array.isArray(v) ? Number(k) : k;
      if (typeof x === 'string') {
        if (out.length >= MAX_RESPONSE_STRINGS) throw new BadUpstreamResponse('too many strings in the response');
        out.push({ slot: { holder: v as Record<string, unknown>, key, path: `${path}[${k}]` }, choice: 0 });
      } else stringsIn(x, out, `${path}[${k}]`, depth + 1);
    }
  }
}

export const jsonRoute: RouteAdapter = {
  parse(body: unknown, pathModel: string | undefined, route: RouteConfig): ParsedRequest {
    const slots = validateSchema(route.schema ?? TORCHSERVE_DEFAULT, body);
    // Route schemas are objects at the top (config/route.ts checks it), so a valid body is one.
    const numbers: number[] = [];
    numbersIn(body, numbers, route.validation.maxTensorElements);
    return {
      body: body as Record<string, unknown>,
      model: pathModel,
      stream: false,
      texts: slots.map((slot) => ({ slot, author: 'input' })),
      numbers: numbers.length > 0 ? numbers : undefined,
    };
  },

  response(json: unknown) {
    const texts: OutputText[] = [];
    if (typeof json === 'string') throw new BadUpstreamResponse('a bare JSON string response is not supported; wrap it in an object');
    stringsIn(json, texts);
    return { texts, tokens: undefined, finished: [] };
  },
};
