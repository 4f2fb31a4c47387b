/**
 * Errors of the inference gateway.
 *
 * Two kinds:
 * - `GatewayError` (thrown while starting or reloading): a code from the
 *   union below or a shared `ErrorCode`. The CLI prints it and exits 2.
 *   - `E_CONFIG`: the configuration file is invalid; the message names the
 *     path of the bad key (`routes[2].limits.perKey.burst`). Fix the file.
 *   - `E_KEYS`: the API key file is invalid. A reload that fails keeps the
 *     keys in force before it.
 *   - `E_LISTEN`: a listener could not start (address in use, public bind
 *     without the explicit flag, unreadable certificate).
 *   - `E_STORE`: the shared limit store (Redis) failed or answered garbage.
 *     Requests are refused (503) unless `limits.onStoreError: allow`.
 * - `Refusal` (thrown while handling a request): the request or response is
 *   refused with an HTTP status and a stable reason (`auth/invalid`,
 *   `limit/key-rate`, `body/too-large`...). The handler turns it into a JSON
 *   error response and an audit record; it never escapes the request.
 */
import { ModelguardError, type ErrorCode } from '../errors.js';

export type GatewayErrorCode = ErrorCode | 'E_CONFIG' | 'E_KEYS' | 'E_LISTEN' | 'E_STORE';

export class GatewayError extends ModelguardError<GatewayErrorCode> {
  constructor(code: GatewayErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'GatewayError';
  }
}

/** A request refused on purpose: `status` is the HTTP status, `reason` the stable id audit and clients see. */
export class Refusal extends Error {
  readonly status: number;
  readonly reason: string;
  /** Extra response headers (Retry-After, RateLimit-*). */
  readonly headers: Readonly<Record<string, string>>;
  /** Rule ids that fired, for the audit record. */
  readonly rules: readonly string[];

  constructor(status: number, reason: string, message: string, options: { headers?: Record<string, string>; rules?: readonly string[] } = {}) {
    super(message);
    this.name = 'Refusal';
    this.status = status;
    this.reason = reason;
    this.headers = options.headers ?? {};
    this.rules = options.rules ?? [];
  }
}

export function refuse(status: number, reason: string, message: string, options?: { headers?: Record<string, string>; rules?: readonly string[] }): Refusal {
  return new Refusal(status, reason, message, options);
}
