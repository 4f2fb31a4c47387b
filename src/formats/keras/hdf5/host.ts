/**
 * Runs libhdf5 in a worker thread with a time limit (issue: a hostile HDF5
 * file can make libhdf5 loop forever or allocate what the file declares,
 * and WebAssembly can neither be interrupted from inside nor shrink its
 * memory). One worker serves the scans of this thread, one file at a time;
 * it is terminated — and its memory returned — when a file passes the time
 * limit, when it fails, and every `RECYCLE_AFTER` files (Emscripten's file
 * system keeps a little per mount).
 */
import { Worker } from 'node:worker_threads';
import type { ByteSource } from '../../../bytes/source.js';
import { ModelguardError, type ErrorCode } from '../../../errors.js';
import { answer, newChannel, type Channel } from './channel.js';
import type { Hdf5Facts } from './facts.js';
import type { Hdf5Reply, Hdf5Task } from './worker.js';

/** Files one worker reads before it is replaced (bounds what libhdf5 and its file system keep; CWE-401). */
const RECYCLE_AFTER = 256;
/** JavaScript heap of the worker (libhdf5's WebAssembly memory has its own cap in h5wasm.ts; CWE-400). */
const WORKER_HEAP_MB = 256;

const KNOWN_CODES = new Set<string>(['E_TRUNCATED', 'E_MALFORMED', 'E_LIMIT', 'E_UNSUPPORTED', 'E_IO']);

interface Running {
  worker: Worker;
  channel: Channel;
  served: number;
}

let current: Running | undefined;
let queue: Promise<unknown> = Promise.resolve();
let nextId = 0;

function start(): Running {
  const channel = newChannel();
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: channel,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  worker.unref();
  return { worker, channel, served: 0 };
}

function retire(r: Running): void {
  if (current === r) current = undefined;
  void r.worker.terminate();
}

/**
 * Reads `src` with libhdf5 in the worker and returns the facts the Keras
 * scanner judges. libhdf5 errors are `E_MALFORMED`; passing `timeoutMs` is
 * `E_LIMIT` (the file is then unscannable, with the limit named).
 */
export function hdf5Facts(src: ByteSource, attrLimit: number, timeoutMs: number): Promise<Hdf5Facts> {
  const run = queue.then(() => runOne(src, attrLimit, timeoutMs));
  queue = run.catch(() => undefined);
  return run;
}

function runOne(src: ByteSource, attrLimit: number, timeoutMs: number): Promise<Hdf5Facts> {
  current ??= start();
  const r = current;
  const id = ++nextId;
  return new Promise<Hdf5Facts>((resolve, reject) => {
    let settled = false;
    const finish = (): void => {
      settled = true;
      clearTimeout(timer);
      r.worker.off('message', onMessage);
      r.worker.off('error', onError);
      r.worker.off('exit', onExit);
      r.worker.unref();
      r.served++;
      if (r.served >= RECYCLE_AFTER) retire(r);
    };
    const onMessage = (m: Hdf5Reply): void => {
      if (settled) return;
      if (m.t === 'read') {
        answer(r.channel, src, m);
        return;
      }
      if (m.id !== id) return;
      finish();
      if (m.t === 'done') {
        resolve(m.facts);
      } else {
        const code: ErrorCode = m.code !== undefined && KNOWN_CODES.has(m.code) ? (m.code as ErrorCode) : 'E_MALFORMED';
        reject(new ModelguardError(code, m.message, m.offset === undefined ? undefined : { offset: m.offset }));
      }
    };
    const onError = (e: Error): void => {
      if (settled) return;
      finish();
      retire(r);
      // The worker's heap limit, or a bug in the worker: the file is not judged.
      reject(new ModelguardError('E_LIMIT', `HDF5: the reading thread stopped (${e.message.split('\n')[0] ?? ''})`, { cause: e }));
    };
    const onExit = (code: number): void => {
      onError(new Error(`exit code ${code}`));
    };
    const timer = setTimeout(() => {
      if (settled) return;
      finish();
      retire(r);
      reject(new ModelguardError('E_LIMIT', `HDF5: libhdf5 took longer than ${timeoutMs} ms on this file (maxHdf5Millis; CWE-835); stopped`));
    }, timeoutMs);
    r.worker.on('message', onMessage);
    r.worker.on('error', onError);
    r.worker.on('exit', onExit);
    r.worker.ref();
    const task: Hdf5Task = { t: 'facts', id, size: src.size, limit: attrLimit };
    r.worker.postMessage(task);
  });
}
