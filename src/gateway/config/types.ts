/**
 * The gateway's configuration after validation: every field present, every
 * default applied. `load.ts` builds it from YAML; `createGateway` also takes
 * it from code (through `parseConfig`, so both paths are checked alike).
 */
import type { Schema } from '../validate/schema-type.js';

export interface TlsConfig {
  readonly cert: string;
  readonly key: string;
  /** CA bundle that client certificates must chain to; set = mTLS. */
  readonly clientCa: string | undefined;
  /** With `clientCa`: refuse connections without a valid client certificate (default true). */
  readonly requireClientCert: boolean;
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
}

export interface ListenerConfig {
  readonly host: string;
  readonly port: number;
  /** A bind outside loopback needs this (or the CLI's `--allow-public`); it is logged as a warning. */
  readonly allowPublic: boolean;
  readonly tls: TlsConfig | undefined;
  /** Whole header block must arrive within this (slowloris, CWE-400). */
  readonly headersTimeoutMs: number;
  /** Whole request, headers and body, must arrive within this. */
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** Total size of the request line and headers (Node's maxHeaderSize); over it: 431. */
  readonly maxHeaderBytes: number;
  /** Number of header fields; over it: 431 (header floods). */
  readonly maxHeaders: number;
  /** Open connections; new ones beyond this are dropped. */
  readonly maxConnections: number;
}

export type Scope = 'infer' | 'admin';

export interface BucketConfig {
  /** Tokens added per second. */
  readonly ratePerSec: number;
  /** Bucket size: the burst allowed after a quiet period. */
  readonly burst: number;
}

export interface DailyQuota {
  readonly requests: number | undefined;
  /** Characters of prompt plus completion, charged after the response. */
  readonly chars: number | undefined;
  /** Tokens as the upstream reports them (usage.total_tokens), else characters / 4, charged after the response. */
  readonly tokens: number | undefined;
}

export interface RedisConfig {
  readonly host: string;
  readonly port: number;
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly password: string | undefined;
}

export interface LimitsConfig {
  readonly store: 'memory' | 'redis';
  readonly redis: RedisConfig | undefined;
  /** What happens when the shared store fails: refuse (503, default) or let requests through unmetered. */
  readonly onStoreError: 'deny' | 'allow';
  readonly perKey: BucketConfig | undefined;
  readonly perAddress: BucketConfig | undefined;
  readonly daily: DailyQuota;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly queueTimeoutMs: number;
  /** Request body size, counted while reading, before any parsing (CWE-400). */
  readonly maxBodyBytes: number;
  /** Time allowed between two chunks of a request body (slow bodies). */
  readonly bodyIdleTimeoutMs: number;
}

export type Trust = 'trusted' | 'internal' | 'untrusted';

export interface UpstreamConfig {
  readonly name: string;
  readonly url: URL;
  readonly trust: Trust;
  /** Until the response headers arrive. */
  readonly timeoutMs: number;
  /** Between two chunks of the response body (a stream that stalls). */
  readonly idleTimeoutMs: number;
  readonly maxResponseBytes: number;
  /** Headers added to every upstream request (an upstream's own API key). */
  readonly headers: Readonly<Record<string, string>>;
  readonly maxSockets: number;
}

export type RouteKind = 'openai-chat' | 'openai-completions' | 'kserve-v2' | 'torchserve' | 'json';

export type UnicodeAction = 'reject' | 'strip';
export type FilterAction = 'reject' | 'strip' | 'escape' | 'off';
export type OutputAction = 'block' | 'strip' | 'escape' | 'off';
export type DetectorAction = 'block' | 'shadow' | 'off';
export type SensitiveAction = 'off' | 'redact' | 'placeholder' | 'block';
export type SensitiveCategory = 'email' | 'phone' | 'card' | 'iban' | 'national-id' | 'ip' | 'secret';

export interface TensorRule {
  readonly datatypes: readonly string[] | undefined;
  /** -1 matches any size in that dimension. */
  readonly shape: readonly number[] | undefined;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

export interface ValidationConfig {
  readonly maxMessages: number;
  /** Characters of text over the whole request. */
  readonly maxChars: number;
  /** Upper bound for max_tokens / max_completion_tokens. */
  readonly maxOutputTokens: number;
  readonly maxChoices: number;
  readonly invisible: UnicodeAction;
  readonly bidi: UnicodeAction;
  readonly tags: UnicodeAction;
  readonly nfkc: boolean;
  readonly allowSystem: boolean;
  readonly allowTools: boolean;
  /** logprobs / top_logprobs / logit_bias: off by default (they help extract a model). */
  readonly allowLogprobs: boolean;
  readonly maxTensorElements: number;
  readonly tensors: ReadonlyMap<string, TensorRule>;
  readonly maxJsonDepth: number;
}

export interface FilterConfig {
  readonly roleSpoofing: FilterAction;
  readonly templateInjection: FilterAction;
  readonly markdownExfiltration: OutputAction;
  readonly html: OutputAction;
  /** Hosts whose links and images may appear in output. */
  readonly allowedLinkHosts: readonly string[];
  /** Wrap and escape user text inside `<untrusted>` delimiters before it reaches the model. */
  readonly delimitUntrusted: boolean;
}

export interface DetectorStageConfig {
  readonly action: DetectorAction;
  readonly threshold: number;
}

export interface DetectorConfig {
  readonly mode: 'strict' | 'balanced' | 'permissive';
  readonly request: DetectorStageConfig;
  readonly response: DetectorStageConfig;
}

export interface SensitiveConfig {
  readonly request: Readonly<Record<SensitiveCategory, SensitiveAction>>;
  readonly response: Readonly<Record<SensitiveCategory, Exclude<SensitiveAction, 'placeholder'>>>;
}

export interface ClassifierConfig {
  readonly labelOnly: boolean;
  readonly topK: number | undefined;
  readonly round: number | undefined;
  /** Output names removed from responses (raw logits, embeddings). */
  readonly dropOutputs: readonly string[];
}

export interface PradaConfig {
  /** Shapiro-Wilk W below this flags the key (Juuti et al. use 0.9-0.96). */
  readonly delta: number;
  /** Distances collected before the test runs. */
  readonly minQueries: number;
  /** Distances kept per key (a sliding window). */
  readonly window: number;
  /** Past queries kept per key and class to measure distances against. */
  readonly history: number;
  readonly action: 'alert' | 'block';
}

export interface StealConfig {
  readonly queriesPerDay: number | undefined;
  readonly prada: PradaConfig | undefined;
}

export interface RouteConfig {
  readonly path: string;
  readonly kind: RouteKind;
  readonly upstream: string;
  /** Path on the upstream (default: the same path, placeholders filled). */
  readonly upstreamPath: string | undefined;
  readonly models: readonly string[] | undefined;
  readonly scope: Scope;
  readonly schema: Schema | undefined;
  readonly validation: ValidationConfig;
  readonly filter: FilterConfig;
  readonly detector: DetectorConfig;
  readonly canary: boolean;
  readonly sensitive: SensitiveConfig;
  readonly classifier: ClassifierConfig | undefined;
  readonly steal: StealConfig;
}

export interface KeysConfig {
  /** YAML file of keys, re-read on reload (SIGHUP or POST /admin/reload). */
  readonly file: string | undefined;
}

export interface AuditConfig {
  /** JSON lines file, `-` for standard error, unset for none. */
  readonly file: string | undefined;
  /** File holding the secret for keyed prompt hashes (HMAC-SHA-256); a random per-process key when unset. */
  readonly hashKeyFile: string | undefined;
  /** Write prompts in clear into the audit log (off by default). */
  readonly logPrompts: boolean;
}

export interface GatewayConfig {
  readonly listen: ListenerConfig;
  readonly admin: ListenerConfig | undefined;
  readonly keys: KeysConfig;
  readonly limits: LimitsConfig;
  readonly upstreams: ReadonlyMap<string, UpstreamConfig>;
  readonly routes: readonly RouteConfig[];
  readonly audit: AuditConfig;
  /** Folder that relative paths in the file are resolved against. */
  readonly baseDir: string;
}
