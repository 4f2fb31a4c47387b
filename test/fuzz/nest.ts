/** Wraps bytes in containers for nesting tests: zip (stored or deflated), ustar tar, gzip. */
import { gzipSync } from 'node:zlib';
import { buildZip } from '../zip-builder.js';

export type Layer = 'zip' | 'zip-deflate' | 'tar' | 'gzip';
export const LAYERS: readonly Layer[] = ['zip', 'zip-deflate', 'tar', 'gzip'];

/** One ustar member named `name`, checksum computed. */
export function tarOf(name: string, data: Uint8Array): Uint8Array {
  const h = new Uint8Array(512);
  const put = (at: number, s: string): void => {
    for (let i = 0; i < s.length; i++) h[at + i] = s.charCodeAt(i);
  };
  put(0, name);
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, `${data.length.toString(8).padStart(11, '0')}\0`);
  put(136, '00000000000\0');
  put(156, '0');
  put(257, 'ustar\x0000');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  const out = new Uint8Array(512 + Math.ceil(data.length / 512) * 512 + 1024);
  out.set(h);
  out.set(data, 512);
  return out;
}

export function wrap(layer: Layer, data: Uint8Array, name: string): Uint8Array {
  switch (layer) {
    case 'zip':
      return buildZip([{ name, data }]);
    case 'zip-deflate':
      return buildZip([{ name, data, deflate: true }]);
    case 'tar':
      return tarOf(name, data);
    case 'gzip':
      return new Uint8Array(gzipSync(data));
  }
}

/** `payload` wrapped innermost-first by `layers`; member names say what they hold. */
export function nest(payload: Uint8Array, layers: readonly Layer[]): Uint8Array {
  let data = payload;
  let name = 'model.pkl';
  for (const l of layers) {
    data = wrap(l, data, name);
    name = l === 'gzip' ? `${name}.gz` : `inner.${l === 'tar' ? 'tar' : 'zip'}`;
  }
  return data;
}
