/** Picks the field locator for any file by its leading bytes, so every fixture can be mutated at its structure. */
import type { Layout } from './fields.js';
import { gzipLayout, sevenZipLayout, tarLayout, zipLayout } from './layouts-containers.js';
import { ggufLayout, hdf5Layout, npyLayout, pickleLayout, protobufLayout, safetensorsLayout } from './layouts-models.js';

const ascii = (d: Uint8Array, at: number, n: number): string => Buffer.from(d.subarray(at, at + n)).toString('latin1');

export function layoutFor(d: Uint8Array): { kind: string; layout: Layout } {
  if (d.length >= 4 && d[0] === 0x50 && d[1] === 0x4b) return { kind: 'zip', layout: zipLayout(d) };
  if (d[0] === 0x1f && d[1] === 0x8b) return { kind: 'gzip', layout: gzipLayout(d) };
  if (ascii(d, 257, 5) === 'ustar') return { kind: 'tar', layout: tarLayout(d) };
  if (ascii(d, 0, 6) === '7z\xbc\xaf\x27\x1c') return { kind: '7z', layout: sevenZipLayout(d) };
  if (ascii(d, 0, 4) === 'GGUF' && d[4] !== 1 && d[4] !== 0) return { kind: 'gguf', layout: ggufLayout(d) };
  if (ascii(d, 0, 6) === '\x93NUMPY') return { kind: 'npy', layout: npyLayout(d) };
  if (ascii(d, 0, 8) === '\x89HDF\r\n\x1a\n') return { kind: 'hdf5', layout: hdf5Layout(d) };
  if (d[0] === 0x80 && (d[1] ?? 9) <= 5) return { kind: 'pickle', layout: pickleLayout(d) };
  if (d.length > 8 && d[8] === 0x7b) return { kind: 'safetensors', layout: safetensorsLayout(d) };
  return { kind: 'protobuf', layout: protobufLayout(d) };
}
