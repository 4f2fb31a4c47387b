/**
 * Registry errors. `RegistryError` carries an HTTP status beside its code, so
 * a handler throws and the router answers; callers branch on `code`.
 * - `E_AUTH`: no or bad credentials (401).
 * - `E_FORBIDDEN`: authenticated but the role does not allow it, or the CSRF token is missing (403).
 * - `E_NOT_FOUND`: no such model, revision, file, upload (404).
 * - `E_CONFLICT`: the request disagrees with the stored state (tus offset, duplicate name) (409).
 * - `E_TOO_LARGE`: over a named size limit (413).
 * - `E_RATE`: too many attempts (429).
 * - `E_BAD_REQUEST`: malformed request (400).
 * - `E_CONFIG`: the server cannot start with this configuration.
 * - `E_STORAGE`: the blob store failed, or returned content that does not match its digest (502).
 * - `E_NO_SPACE`: this server's disk is full (507); nothing of the request was kept, the client may retry later.
 * - `E_UNAVAILABLE`: the server is shutting down (503, with Retry-After); nothing of the request was kept, the client retries.
 */
import { ModelguardError } from '../errors.js';

export type RegistryErrorCode =
  | 'E_AUTH'
  | 'E_FORBIDDEN'
  | 'E_NOT_FOUND'
  | 'E_CONFLICT'
  | 'E_TOO_LARGE'
  | 'E_RATE'
  | 'E_BAD_REQUEST'
  | 'E_CONFIG'
  | 'E_STORAGE'
  | 'E_NO_SPACE'
  | 'E_UNAVAILABLE';

const STATUS: Record<RegistryErrorCode, number> = {
  E_AUTH: 401,
  E_FORBIDDEN: 403,
  E_NOT_FOUND: 404,
  E_CONFLICT: 409,
  E_TOO_LARGE: 413,
  E_RATE: 429,
  E_BAD_REQUEST: 400,
  E_CONFIG: 500,
  E_STORAGE: 502,
  E_NO_SPACE: 507,
  E_UNAVAILABLE: 503,
};

export class RegistryError extends ModelguardError<RegistryErrorCode> {
  get status(): number {
    return STATUS[this.code];
  }
}
