/**
 * Errors of the cluster PKI and the tunnel. Codes beyond the shared ones:
 * - `E_NO_CLUSTER`: the cluster folder has no CA yet (run `cluster init`).
 * - `E_EXISTS`: `cluster init` found a CA and was not asked to rotate it.
 */
import { ModelguardError, type ErrorCode } from '../errors.js';

export type ClusterErrorCode = ErrorCode | 'E_NO_CLUSTER' | 'E_EXISTS';

export class ClusterError extends ModelguardError<ClusterErrorCode> {
  constructor(code: ClusterErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ClusterError';
  }
}
