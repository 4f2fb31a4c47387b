/**
 * No leak across a batch of hostile scans: the same batch of mutants
 * (every format, many ending in an error mid-way, through HDF5's worker,
 * 7-Zip's wasm, decompressors) scanned again and again leaves no file
 * descriptor, temporary file or memory behind. Memory is compared after a
 * garbage collection when node runs with --expose-gc (`npm run fuzz`);
 * descriptors and temporary files always.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { liveTemps } from '../../src/files/temp.js';
import { fixture } from '../helpers.js';
import { mutants, type Layout } from './fields.js';
import { CAN_COLLECT, collect, FULL, heldBytes, openDescriptors, scanChecked } from './harness.js';
import { gzipLayout, sevenZipLayout, tarLayout, zipLayout } from './layouts-containers.js';
import { ggufLayout, hdf5Layout, npyLayout, pickleLayout, protobufLayout } from './layouts-models.js';
import { nest } from './nest.js';

const SOURCES: [string[], (d: Uint8Array) => Layout][] = [
  [['torch', 'malicious__datapkl-payload-injected.pt'], zipLayout],
  [['torch', 'malicious__legacy-payload-in-sys-info.pt'], pickleLayout],
  [['archive', 'malicious__payload.tar'], tarLayout],
  [['archive', 'malicious__payload.7z'], sevenZipLayout],
  [['compress', 'malicious__pickle.pkl.gz'], gzipLayout],
  [['gguf', 'malicious__ssti-cycler-globals-os.gguf'], ggufLayout],
  [['onnx', 'malicious__absolute-location.onnx'], protobufLayout],
  [['numpy', 'malicious__object-array-payload.npy'], npyLayout],
  [['keras', 'malicious__lambda-function-os-system.h5'], hdf5Layout],
];

function batch(per: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const [path, layout] of SOURCES) {
    const seed = Uint8Array.from(readFileSync(fixture(...path)));
    const all = [...mutants(seed, layout(seed))];
    const step = Math.max(1, Math.floor(all.length / per));
    for (let i = 0; i < all.length; i += step) out.push((all[i] as { data: Uint8Array }).data);
  }
  const evil = Uint8Array.from(readFileSync(fixture('pickle', 'malicious__os-system-protocol2.pkl')));
  out.push(nest(evil, ['zip', 'gzip', 'tar', 'zip-deflate', 'gzip', 'zip', 'tar', 'zip', 'gzip', 'zip']));
  return out;
}

describe('no leak across batches of hostile scans', () => {
  it('descriptors, temporary files and memory come back to where they were', async () => {
    const inputs = batch(FULL ? 40 : 5);
    const rounds = FULL ? 8 : 3;
    const scanAll = async (): Promise<void> => {
      for (const [i, d] of inputs.entries()) await scanChecked(`leak-${i}`, d);
    };
    await scanAll(); // warm-up: module loads, the worker, 7-Zip's wasm, caches
    collect();
    const fds = openDescriptors();
    const temps = liveTemps().length;
    const held = heldBytes();
    for (let r = 0; r < rounds; r++) await scanAll();
    collect();
    // At most as many as after the warm-up (an idle worker may have exited since, closing its own).
    assert.ok(openDescriptors() <= fds, `file descriptors left open: ${openDescriptors()} > ${fds}`);
    assert.ok(liveTemps().length <= temps, 'temporary files left behind');
    if (CAN_COLLECT) {
      // Generous: a leak of even 100 bytes per scan over thousands of scans shows; JIT and caches do not grow this much.
      const grown = heldBytes() - held;
      assert.ok(grown < 64 * 1024 * 1024, `held memory grew by ${Math.round(grown / 1024 / 1024)} MiB over ${rounds} rounds of ${inputs.length} scans`);
    }
  });
});
