/** One entry of `routes:`: where it listens, what it forwards to, which controls apply. */
import { configError, Fields } from './fields.js';
import { readSchema } from './schema-config.js';
import type {
  ClassifierConfig,
  DetectorConfig,
  DetectorStageConfig,
  FilterConfig,
  PradaConfig,
  RouteConfig,
  SensitiveAction,
  SensitiveCategory,
  SensitiveConfig,
  StealConfig,
  TensorRule,
  Trust,
  UpstreamConfig,
  ValidationConfig,
} from './types.js';

export const SENSITIVE_CATEGORIES: readonly SensitiveCategory[] = ['email', 'phone', 'card', 'iban', 'national-id', 'ip', 'secret'];

const ROUTE_KEYS = [
  'path',
  'kind',
  'upstream',
  'upstreamPath',
  'models',
  'scope',
  'schema',
  'validation',
  'filter',
  'detector',
  'canary',
  'sensitive',
  'classifier',
  'steal',
] as const;
const PATH = /^(?:\/(?:[A-Za-z0-9._~-]+|\{model\}))+$/;
const MODEL = /^[A-Za-z0-9._:/@-]{1,128}\*?$/;

function readValidation(f: Fields | undefined): ValidationConfig {
  const u = <T extends string>(k: string, dflt: T): T => f?.oneOf(k, ['reject', 'strip'] as unknown as readonly T[], dflt) ?? dflt;
  const int = (k: string, dflt: number, max: number): number => f?.number(k, dflt, { integer: true, min: 1, max }) ?? dflt;
  const tensors = new Map<string, TensorRule>();
  for (const [name, rule] of f?.entries('tensors', (v, p) => {
    const t = new Fields(v, p, ['datatypes', 'shape', 'min', 'max']);
    const shape = t.list('shape', { max: 16 }).map(({ value, path }) => {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < -1) throw configError(path, 'expected a dimension size or -1');
      return value;
    });
    return {
      datatypes: t.stringList('datatypes', { pattern: /^(?:BOOL|U?INT(?:8|16|32|64)|FP(?:16|32|64)|BF16|BYTES)$/, what: 'a KServe v2 datatype' }),
      shape: t.has('shape') ? shape : undefined,
      min: t.optionalNumber('min'),
      max: t.optionalNumber('max'),
    } satisfies TensorRule;
  }) ?? []) {
    tensors.set(name, rule);
  }
  return {
    maxMessages: int('maxMessages', 64, 10_000),
    maxChars: int('maxChars', 100_000, 100_000_000),
    maxOutputTokens: int('maxOutputTokens', 4096, 10_000_000),
    maxChoices: int('maxChoices', 1, 16),
    invisible: u('invisible', 'strip'),
    bidi: u('bidi', 'strip'),
    tags: u('tags', 'reject'),
    nfkc: f?.boolean('nfkc', true) ?? true,
    allowSystem: f?.boolean('allowSystem', true) ?? true,
    allowTools: f?.boolean('allowTools', false) ?? false,
    allowLogprobs: f?.boolean('allowLogprobs', false) ?? false,
    maxTensorElements: int('maxTensorElements', 1_000_000, 100_000_000),
    tensors,
    maxJsonDepth: int('maxJsonDepth', 32, 256),
  };
}

function readFilter(f: Fields | undefined): FilterConfig {
  const input = (k: string, dflt: 'reject' | 'strip' | 'escape' | 'off') => f?.oneOf(k, ['reject', 'strip', 'escape', 'off'] as const, dflt) ?? dflt;
  const output = (k: string, dflt: 'block' | 'strip' | 'escape' | 'off') => f?.oneOf(k, ['block', 'strip', 'escape', 'off'] as const, dflt) ?? dflt;
  return {
    roleSpoofing: input('roleSpoofing', 'reject'),
    templateInjection: input('templateInjection', 'escape'),
    markdownExfiltration: output('markdownExfiltration', 'strip'),
    html: output('html', 'escape'),
    allowedLinkHosts: f?.stringList('allowedLinkHosts', { pattern: /^(?:\*\.)?[A-Za-z0-9.-]+$/, what: 'a host name (*.example.com allowed)' }) ?? [],
    delimitUntrusted: f?.boolean('delimitUntrusted', false) ?? false,
  };
}

function readStage(f: Fields | undefined, dflt: DetectorStageConfig): DetectorStageConfig {
  return {
    action: f?.oneOf('action', ['block', 'shadow', 'off'] as const, dflt.action) ?? dflt.action,
    threshold: f?.number('threshold', dflt.threshold, { min: 0, max: 1 }) ?? dflt.threshold,
  };
}

function readDetector(f: Fields | undefined): DetectorConfig {
  const stage = (k: string, d: DetectorStageConfig) => readStage(f?.object(k, ['action', 'threshold']), d);
  return {
    mode: f?.oneOf('mode', ['strict', 'balanced', 'permissive'] as const, 'balanced') ?? 'balanced',
    request: stage('request', { action: 'block', threshold: 0.5 }),
    response: stage('response', { action: 'shadow', threshold: 0.5 }),
  };
}

/** What each upstream trust level does with sensitive data by default. */
function sensitiveDefaults(trust: Trust): SensitiveConfig {
  const all = <A>(a: A): Record<SensitiveCategory, A> => Object.fromEntries(SENSITIVE_CATEGORIES.map((c) => [c, a])) as Record<SensitiveCategory, A>;
  switch (trust) {
    case 'trusted':
      return { request: all<SensitiveAction>('off'), response: { ...all('off'), secret: 'redact' } };
    case 'internal':
      return {
        request: { ...all<SensitiveAction>('off'), secret: 'block', card: 'placeholder', iban: 'placeholder', 'national-id': 'placeholder' },
        response: { ...all('off'), secret: 'redact', card: 'redact', iban: 'redact', 'national-id': 'redact' },
      };
    case 'untrusted':
      return { request: { ...all<SensitiveAction>('placeholder'), secret: 'block' }, response: all('redact') };
  }
}

function readSensitive(f: Fields | undefined, trust: Trust): SensitiveConfig {
  const d = sensitiveDefaults(trust);
  const keys = ['default', ...SENSITIVE_CATEGORIES];
  const req = f?.object('request', keys);
  const res = f?.object('response', keys);
  const request = { ...d.request };
  const response = { ...d.response };
  const reqDefault = req?.oneOf('default', ['off', 'redact', 'placeholder', 'block'] as const, 'off');
  const resDefault = res?.oneOf('default', ['off', 'redact', 'block'] as const, 'off');
  for (const c of SENSITIVE_CATEGORIES) {
    if (req?.has('default') === true && reqDefault !== undefined) request[c] = reqDefault;
    if (res?.has('default') === true && resDefault !== undefined) response[c] = resDefault;
    if (req?.has(c) === true) request[c] = req.oneOf(c, ['off', 'redact', 'placeholder', 'block'] as const, 'off');
    if (res?.has(c) === true) response[c] = res.oneOf(c, ['off', 'redact', 'block'] as const, 'off');
  }
  return { request, response };
}

function readClassifier(f: Fields | undefined): ClassifierConfig | undefined {
  if (f === undefined) return undefined;
  return {
    labelOnly: f.boolean('labelOnly', false),
    topK: f.optionalNumber('topK', { integer: true, min: 1, max: 1000 }),
    round: f.optionalNumber('round', { integer: true, min: 0, max: 8 }),
    dropOutputs: f.stringList('dropOutputs') ?? ['logits'],
  };
}

function readPrada(f: Fields | undefined): PradaConfig | undefined {
  if (f === undefined) return undefined;
  return {
    delta: f.number('delta', 0.9, { min: 0, max: 1 }),
    minQueries: f.number('minQueries', 50, { integer: true, min: 10, max: 100_000 }),
    window: f.number('window', 500, { integer: true, min: 10, max: 100_000 }),
    history: f.number('history', 1000, { integer: true, min: 10, max: 100_000 }),
    action: f.oneOf('action', ['alert', 'block'] as const, 'alert'),
  };
}

function readSteal(f: Fields | undefined): StealConfig {
  return {
    queriesPerDay: f?.optionalNumber('queriesPerDay', { integer: true, min: 1 }),
    prada: readPrada(f?.object('prada', ['delta', 'minQueries', 'window', 'history', 'action'])),
  };
}

export function readRoute(value: unknown, path: string, upstreams: ReadonlyMap<string, UpstreamConfig>): RouteConfig {
  const f = new Fields(value, path, ROUTE_KEYS);
  const routePath = f.requiredString('path', { pattern: PATH, what: 'an absolute path of plain segments, {model} allowed as a whole segment' });
  const kind = f.oneOf('kind', ['openai-chat', 'openai-completions', 'kserve-v2', 'torchserve', 'json'] as const, 'json');
  const upstreamName = f.requiredString('upstream');
  const upstream = upstreams.get(upstreamName);
  if (upstream === undefined) throw configError(f.at('upstream'), `no upstream named ${JSON.stringify(upstreamName)}`);
  const schema = f.has('schema') ? readSchema(f.raw('schema'), f.at('schema')) : undefined;
  if (schema !== undefined && !('type' in schema && schema.type === 'object'))
    throw configError(f.at('schema'), 'the top level of a request schema is an object');
  if (kind === 'json' && schema === undefined) throw configError(f.at('schema'), 'required for a json route (the request schema)');
  if ((kind === 'openai-chat' || kind === 'openai-completions' || kind === 'kserve-v2') && schema !== undefined) {
    throw configError(f.at('schema'), `${kind} routes use the gateway's own schema`);
  }
  if ((kind === 'kserve-v2' || kind === 'torchserve') && !routePath.includes('{model}')) {
    throw configError(f.at('path'), `${kind} routes name the model in the path ({model})`);
  }
  const classifier = readClassifier(f.object('classifier', ['labelOnly', 'topK', 'round', 'dropOutputs']));
  if (classifier !== undefined && (kind === 'openai-chat' || kind === 'openai-completions')) {
    throw configError(f.at('classifier'), 'only for classifier routes (kserve-v2, torchserve, json)');
  }
  return {
    path: routePath,
    kind,
    upstream: upstreamName,
    upstreamPath: f.string('upstreamPath', { pattern: PATH, what: 'an absolute path' }),
    models: f.stringList('models', { pattern: MODEL, what: 'a model name (a trailing * matches a prefix)', max: 1000 }),
    scope: f.oneOf('scope', ['infer', 'admin'] as const, 'infer'),
    schema,
    validation: readValidation(
      f.object('validation', [
        'maxMessages',
        'maxChars',
        'maxOutputTokens',
        'maxChoices',
        'invisible',
        'bidi',
        'tags',
        'nfkc',
        'allowSystem',
        'allowTools',
        'allowLogprobs',
        'maxTensorElements',
        'tensors',
        'maxJsonDepth',
      ]),
    ),
    filter: readFilter(f.object('filter', ['roleSpoofing', 'templateInjection', 'markdownExfiltration', 'html', 'allowedLinkHosts', 'delimitUntrusted'])),
    detector: readDetector(f.object('detector', ['mode', 'request', 'response'])),
    canary: f.boolean('canary', kind === 'openai-chat'),
    sensitive: readSensitive(f.object('sensitive', ['request', 'response']), upstream.trust),
    classifier,
    steal: readSteal(f.object('steal', ['queriesPerDay', 'prada'])),
  };
}
