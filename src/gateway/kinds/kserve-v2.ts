/**
 * KServe v2 / Open Inference Protocol `POST /v2/models/{model}/infer`
 * (KServe, Triton, MLServer, TorchServe's KServe mode). Tensors are checked
 * element by element (`validate/tensor.ts`); BYTES elements are free text.
 */
import type { RouteConfig, ValidationConfig } from '../config/types.js';
import { refuse } from '../errors.js';
import { validateSchema, type Schema, type TextSlot } from '../validate/schema.js';
import { checkTensor, DATATYPES } from '../validate/tensor.js';
import { BadUpstreamResponse, isObject, type OutputText, type ParsedRequest, type RouteAdapter } from './adapter.js';

const TENSOR_NAME = /^[A-Za-z0-9_.:/-]{1,128}$/;
const PARAMETERS: Schema = {
  type: 'map',
  values: { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'number' }, { type: 'boolean' }] },
  maxProperties: 32,
};

function buildKserveSchema(v: ValidationConfig): Schema {
  const input: Schema = {
    type: 'object',
    properties: {
      name: { type: 'string', pattern: TENSOR_NAME },
      shape: { type: 'array', items: { type: 'integer', minimum: 0, maximum: v.maxTensorElements }, maxItems: 16 },
      datatype: { type: 'string', enum: DATATYPES },
      parameters: PARAMETERS,
      // Elements are checked against the datatype and shape by checkTensor.
      data: { type: 'array', items: { type: 'json' }, maxItems: v.maxTensorElements },
    },
    required: ['name', 'shape', 'datatype', 'data'],
  };
  return {
    type: 'object',
    properties: {
      id: { type: 'string', maxLength: 256 },
      parameters: PARAMETERS,
      inputs: { type: 'array', items: input, minItems: 1, maxItems: 64 },
      outputs: {
        type: 'array',
        items: { type: 'object', properties: { name: { type: 'string', pattern: TENSOR_NAME }, parameters: PARAMETERS }, required: ['name'] },
        maxItems: 64,
      },
    },
    required: ['inputs'],
  };
}

/** Built once per route's validation settings. */
const cache = new WeakMap<ValidationConfig, Schema>();
function kserveSchema(v: ValidationConfig): Schema {
  let s = cache.get(v);
  if (s === undefined) {
    s = buildKserveSchema(v);
    cache.set(v, s);
  }
  return s;
}

export const kserveV2: RouteAdapter = {
  parse(body: unknown, pathModel: string | undefined, route: RouteConfig): ParsedRequest {
    validateSchema(kserveSchema(route.validation), body);
    const b = body as Record<string, unknown>;
    const inputs = b['inputs'] as { name: string; shape: number[]; datatype: string; data: unknown[] }[];
    const rules = route.validation.tensors;
    const numbers: number[] = [];
    const texts: { slot: TextSlot; author: 'input' }[] = [];
    let total = 0;
    const names = new Set<string>();
    inputs.forEach((t, i) => {
      if (names.has(t.name)) throw refuse(400, 'tensor/duplicate-input', `inputs[${i}].name: ${t.name} given twice`, { rules: ['tensor/duplicate-input'] });
      names.add(t.name);
      if (rules.size > 0 && !rules.has(t.name))
        throw refuse(400, 'tensor/unknown-input', `inputs[${i}].name: ${t.name} is not an input of this model`, { rules: ['tensor/unknown-input'] });
      const checked = checkTensor(t, `inputs[${i}]`, rules.get(t.name), route.validation.maxTensorElements - total);
      total += checked.values.length + checked.slots.length;
      numbers.push(...checked.values);
      for (const slot of checked.slots) texts.push({ slot, author: 'input' });
    });
    for (const [name] of rules) {
      if (!names.has(name)) throw refuse(400, 'schema/required', `input ${name} missing`, { rules: ['schema/required'] });
    }
    return { body: b, model: pathModel, stream: false, texts, numbers: texts.length > 0 && numbers.length === 0 ? undefined : numbers };
  },

  response(json: unknown) {
    if (!isObject(json) || !Array.isArray(json['outputs'])) throw new BadUpstreamResponse('response has no outputs array');
    const texts: OutputText[] = [];
    json['outputs'].forEach((o, i) => {
      if (!isObject(o) || typeof o['name'] !== 'string' || !Array.isArray(o['data'])) throw new BadUpstreamResponse(`outputs[${i}] is not a tensor`);
      if (o['datatype'] !== 'BYTES') return;
      const data = o['data'] as unknown[];
      data.forEach((v, j) => {
        if (typeof v === 'string') texts.push({ slot: { holder: data, key: j, path: `outputs[${i}].data[${j}]` }, choice: 0 });
      });
    });
    return { texts, tokens: undefined, finished: [] };
  },
};
