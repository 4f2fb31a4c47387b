/**
 * Byte relay between two sockets. Transport only: it never looks at what
 * it carries. Either side closing ends the other; either side failing
 * destroys the other, so the training process sees a connection error
 * (never a silently truncated or spliced stream). An idle timeout, when
 * set, closes both.
 */
import type { Socket } from 'node:net';

export interface RelayStats {
  up: number;
  down: number;
  reason: 'end' | 'error' | 'idle';
  error?: string;
}

/** Destroys a socket with a TCP RST when it is a plain TCP socket, so the far process sees ECONNRESET. */
function abort(s: Socket): void {
  if (s.destroyed) return;
  if ('encrypted' in s || typeof s.resetAndDestroy !== 'function') s.destroy();
  else {
    try {
      s.resetAndDestroy();
    } catch {
      s.destroy();
    }
  }
}

/** Relays `a` <-> `b` until both are closed; `a` is the accepting side. */
export function relay(a: Socket, b: Socket, idleMs: number, done: (s: RelayStats) => void): void {
  const stats: RelayStats = { up: 0, down: 0, reason: 'end' };
  let closed = 0;
  let failed = false;
  const fail = (why: 'error' | 'idle', e?: Error): void => {
    if (failed) return;
    failed = true;
    stats.reason = why;
    if (e !== undefined) stats.error = (e as NodeJS.ErrnoException).code ?? e.message;
    abort(a);
    abort(b);
  };
  const onClose = (): void => {
    if (++closed < 2) return;
    stats.up = a.bytesRead;
    stats.down = b.bytesRead;
    done(stats);
  };
  for (const s of [a, b]) {
    s.setNoDelay(true);
    s.on('error', (e) => {
      fail('error', e);
    });
    s.once('close', onClose);
    if (idleMs > 0) {
      s.setTimeout(idleMs, () => {
        fail('idle');
      });
    }
  }
  a.pipe(b);
  b.pipe(a);
  // A side that closes without ending cleanly (reset, destroyed) takes the other down hard.
  a.once('close', (hadError) => {
    if (hadError || !a.readableEnded) fail('error');
  });
  b.once('close', (hadError) => {
    if (hadError || !b.readableEnded) fail('error');
  });
  a.resume();
  b.resume();
}
