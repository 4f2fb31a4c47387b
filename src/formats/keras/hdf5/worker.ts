/**
 * The HDF5 worker thread: libhdf5 runs here, never in the scanning thread,
 * so a loop or an allocation it makes on a hostile file costs only this
 * thread, which the host terminates at its time limit (`host.ts`); its
 * WebAssembly memory goes with it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isModelguardError } from '../../../errors.js';
import { RemoteSource, type Channel, type ReadRequest } from './channel.js';
import { readFacts } from './facts.js';
import { withHdf5 } from './h5wasm.js';

export interface Hdf5Task {
  readonly t: 'facts';
  readonly id: number;
  readonly size: number;
  readonly limit: number;
}

export type Hdf5Reply =
  | ReadRequest
  | { t: 'done'; id: number; facts: ReturnType<typeof readFacts> }
  | { t: 'error'; id: number; code: string | undefined; message: string; offset: number | undefined };

const port = parentPort;
if (port !== null) {
  const ch = workerData as Channel;
  const post = (m: Hdf5Reply): void => {
    port.postMessage(m);
  };
  port.on('message', (task: Hdf5Task) => {
    void (async () => {
      try {
        const src = new RemoteSource(ch, task.size, post);
        const facts = await withHdf5(src, (file, h5) => readFacts(file, h5, task.limit));
        post({ t: 'done', id: task.id, facts });
      } catch (e) {
        const mg = isModelguardError(e) ? e : undefined;
        post({ t: 'error', id: task.id, code: mg?.code, message: e instanceof Error ? e.message : String(e), offset: mg?.offset });
      }
    })();
  });
}
