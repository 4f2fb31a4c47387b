/**
 * What the pipeline needs to know about one kind of route (OpenAI chat,
 * OpenAI completions, KServe v2, TorchServe, plain JSON): its request schema
 * and extra checks, where the free text is in a request and in a response,
 * and how a streamed chunk carries text. The pipeline itself never looks
 * inside a body; it works on the slots an adapter hands it.
 */
import type { RouteConfig } from '../config/types.js';
import type { TextSlot } from '../validate/schema.js';

/** Who wrote a piece of request text: the filters treat user text and instructions differently. */
export type Author = 'system' | 'user' | 'assistant' | 'tool' | 'input';

export interface RequestText {
  readonly slot: TextSlot;
  readonly author: Author;
}

export interface ParsedRequest {
  /** The validated body; later steps rewrite its text slots, then it is serialised for the upstream. */
  readonly body: Record<string, unknown>;
  readonly model: string | undefined;
  readonly stream: boolean;
  readonly texts: readonly RequestText[];
  /** Numeric inputs, for the extraction monitor (undefined: text route). */
  readonly numbers: readonly number[] | undefined;
}

export interface OutputText {
  readonly slot: TextSlot;
  /** Choice index (streams keep one buffer per choice). */
  readonly choice: number;
}

export interface ResponseTexts {
  readonly texts: readonly OutputText[];
  /** Tokens the upstream reports for the exchange (usage.total_tokens). */
  readonly tokens: number | undefined;
  /** Choices that finished in this chunk (streams): their buffers are flushed into it. */
  readonly finished: readonly number[];
}

export interface RouteAdapter {
  /** Schema check plus the kind's own checks; throws a `Refusal` (400/403). */
  parse(body: unknown, pathModel: string | undefined, route: RouteConfig): ParsedRequest;
  /** Places a canary in the system prompt (chat routes only). */
  plantCanary?(req: ParsedRequest, instruction: string): void;
  /** Output text of a complete response; throws on a response that is not the expected shape. */
  response(json: unknown, route: RouteConfig): ResponseTexts;
  /** Output text of one streamed chunk (SSE `data:` JSON). */
  chunk?(json: unknown, route: RouteConfig): ResponseTexts;
  /** A chunk like `template` carrying only `text` for choice `index` (text held back, released at the end). */
  textChunk?(template: Record<string, unknown>, index: number, text: string): Record<string, unknown>;
  /** Adds `text` to choice `index` of a chunk that has no text slot for it (a finish chunk with an empty delta). */
  appendText?(chunk: Record<string, unknown>, index: number, text: string): void;
}

/** Thrown by adapters when the upstream's response is not the expected shape. */
export class BadUpstreamResponse extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadUpstreamResponse';
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
