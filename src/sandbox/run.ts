/**
 * Runs one sandboxed command and collects what comes out: the evidence
 * channel, stdout and stderr (each capped), the exit status, and whether the
 * wall-clock limit fired.
 *
 * This module's job is to run a process, so it uses `child_process` (the
 * project allows it only in such modules). The command is the chain
 * `prlimit [rlimits] -- [setpriv to uid 65534 when root] -- <backend> ...`:
 * Node cannot set rlimits on a child itself, and when modelguard runs as
 * root the sandbox must not be root on the host either (rlimits on process
 * counts do not apply to root, and DAC would let root's files through).
 * The child leads its own process group; on time-out the whole group gets
 * SIGKILL, and bwrap's --die-with-parent and pid namespace take the rest.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { SandboxError } from './errors.js';
import type { SandboxLimits } from './limits.js';

export interface RawRun {
  evidence: Buffer;
  evidenceTruncated: boolean;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  wallMs: number;
}

export interface RunInput {
  argv: readonly string[];
  /** Bytes written to fd 4 (the run key) or, in stdio mode, to stdin. */
  key: Uint8Array;
  /** fd 5 in the child: the model, opened by the caller. */
  modelFd: number;
  /** fd 6: the seccomp program; fd 7: the bootstrap (both consumed by bwrap). */
  seccomp: Uint8Array;
  bootstrap: Uint8Array;
  /** The script for `python -` (backends that cap argument lengths). */
  script?: Uint8Array;
  /** Evidence on stdout and the key on stdin (backends that pass only stdio). */
  stdio: boolean;
  limits: SandboxLimits;
}

/** Keeps the first `max` bytes of a stream and drains the rest (CWE-400). */
class Capped {
  private readonly chunks: Buffer[] = [];
  private readonly max: number;
  private size = 0;
  truncated = false;
  constructor(max: number) {
    this.max = max;
  }
  push(b: Buffer): void {
    if (this.size >= this.max) {
      this.truncated = true;
      return;
    }
    const take = b.subarray(0, this.max - this.size);
    if (take.length < b.length) this.truncated = true;
    this.chunks.push(take);
    this.size += take.length;
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export function runSandboxed(input: RunInput): Promise<RawRun> {
  const [cmd, ...args] = input.argv;
  if (cmd === undefined) throw new SandboxError('E_USAGE', 'empty sandbox command');
  const started = performance.now();
  const child = spawn(cmd, args, {
    // fds 3..7 as in backend/types.ts SANDBOX_FD.
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe', input.modelFd, 'pipe', 'pipe'],
    detached: true,
    env: {},
  });
  const stream = (i: number): Readable & Writable => child.stdio[i] as Readable & Writable;
  const evidence = new Capped(input.limits.evidenceBytes);
  const stdout = new Capped(input.limits.outputBytes);
  const stderr = new Capped(input.limits.outputBytes);
  const ignoreEpipe = (s: Writable): void => {
    s.on('error', () => undefined);
  };
  for (const i of [0, 3, 4, 6, 7]) ignoreEpipe(stream(i));
  (input.stdio ? stream(1) : stream(3)).on('data', (b: Buffer) => {
    evidence.push(b);
  });
  (input.stdio ? stream(3) : stream(1)).on('data', (b: Buffer) => {
    stdout.push(b);
  });
  stream(2).on('data', (b: Buffer) => {
    stderr.push(b);
  });
  stream(input.stdio ? 0 : 4).end(Buffer.from(input.key));
  if (!input.stdio) stream(0).end(input.script === undefined ? undefined : Buffer.from(input.script));
  else stream(4).end();
  stream(6).end(Buffer.from(input.seccomp));
  stream(7).end(Buffer.from(input.bootstrap));

  let timedOut = false;
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, input.limits.wallMs);
  return new Promise<RawRun>((resolvePromise, reject) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new SandboxError('E_SANDBOX_UNAVAILABLE', `cannot start ${cmd}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Anything the sandbox left in our group (it should be none) goes too.
      killGroup();
      resolvePromise({
        evidence: evidence.bytes(),
        evidenceTruncated: evidence.truncated,
        stdout: stdout.bytes().toString('utf8'),
        stderr: stderr.bytes().toString('utf8'),
        exitCode: code,
        signal,
        timedOut,
        wallMs: Math.round(performance.now() - started),
      });
    });
  });
}
