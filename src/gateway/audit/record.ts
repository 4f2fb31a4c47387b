/**
 * One audit record per request, written as one JSON line when the exchange
 * ends (answered, refused, failed, or the client went away). Prompts appear
 * only as keyed hashes (HMAC-SHA-256 with the audit key), so records can be
 * correlated ("was this prompt seen before?") without storing text, unless
 * `audit.logPrompts` is set.
 */
export type AuditAction = 'forwarded' | 'refused' | 'blocked' | 'failed' | 'aborted';

export interface AuditRecord {
  readonly ts: string;
  readonly id: string;
  readonly listener: 'inference' | 'admin';
  readonly addr: string;
  readonly method: string;
  readonly path: string;
  route: string | undefined;
  keyId: string | undefined;
  model: string | undefined;
  status: number;
  action: AuditAction;
  /** Stable reason of a refusal or failure (`auth/invalid`, `upstream/timeout`...). */
  reason: string | undefined;
  /** Every rule that fired (filters, detector, sensitive data, limits), enforced or not. */
  rules: string[];
  /** Detector rules in shadow mode (recorded, not enforced). */
  shadow: string[];
  detectorScore: number | undefined;
  requestBytes: number;
  responseBytes: number;
  stream: boolean;
  upstreamStatus: number | undefined;
  upstreamMs: number | undefined;
  latencyMs: number;
  tokens: number | undefined;
  chars: number | undefined;
  promptHash: string | undefined;
  prompt: string | undefined;
  /** SHA-256 fingerprint of the client certificate (mTLS). */
  clientCert: string | undefined;
  /** PRADA's W for the key, when the route monitors extraction. */
  pradaW: number | undefined;
}
