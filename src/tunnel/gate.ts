/**
 * Admission before any TLS work: a cap on open connections, a cap per peer
 * address, and a per-peer token bucket on new connections (the flood case:
 * MXNet's scheduler and PyTorch's TCPStore fall over under connection
 * floods). A refused connection is closed before its first byte is read.
 */
export interface GateLimits {
  /** Open connections in total. CWE-770. */
  maxConnections: number;
  /** Open connections from one address. CWE-770. */
  maxPerPeer: number;
  /** New connections per second from one address (token refill rate). CWE-400. */
  ratePerSecond: number;
  /** Bucket size: a burst of this many new connections is allowed. */
  burst: number;
}

export const DEFAULT_GATE_LIMITS: GateLimits = { maxConnections: 256, maxPerPeer: 64, ratePerSecond: 20, burst: 40 };
/** Addresses tracked at once; idle full buckets are forgotten first. CWE-770. */
export const MAX_TRACKED_PEERS = 16_384;

export type Refusal = 'too-many-connections' | 'peer-connection-cap' | 'peer-rate-limit' | 'too-many-peers';

interface PeerState {
  tokens: number;
  last: number;
  open: number;
}

export class Gate {
  readonly limits: GateLimits;
  private readonly peers = new Map<string, PeerState>();
  private openTotal = 0;
  private readonly now: () => number;

  constructor(limits: GateLimits, now: () => number = Date.now) {
    this.limits = limits;
    this.now = now;
  }

  get open(): number {
    return this.openTotal;
  }

  /** Admits one new connection from `peer` (then call `release` when it closes) or says why not. */
  admit(peer: string): Refusal | undefined {
    const t = this.now();
    let s = this.peers.get(peer);
    if (s === undefined) {
      if (this.peers.size >= MAX_TRACKED_PEERS) this.prune(t);
      if (this.peers.size >= MAX_TRACKED_PEERS) return 'too-many-peers';
      s = { tokens: this.limits.burst, last: t, open: 0 };
      this.peers.set(peer, s);
    }
    s.tokens = Math.min(this.limits.burst, s.tokens + ((t - s.last) / 1000) * this.limits.ratePerSecond);
    s.last = t;
    if (s.tokens < 1) return 'peer-rate-limit';
    s.tokens -= 1; // an attempt costs a token even when a cap refuses it, so hammering a full tunnel is rate-limited too
    if (this.openTotal >= this.limits.maxConnections) return 'too-many-connections';
    if (s.open >= this.limits.maxPerPeer) return 'peer-connection-cap';
    s.open++;
    this.openTotal++;
    return undefined;
  }

  release(peer: string): void {
    const s = this.peers.get(peer);
    if (s === undefined || s.open === 0) return;
    s.open--;
    this.openTotal--;
  }

  private prune(t: number): void {
    for (const [k, s] of this.peers) {
      if (s.open === 0 && s.tokens + ((t - s.last) / 1000) * this.limits.ratePerSecond >= this.limits.burst) this.peers.delete(k);
    }
  }
}
