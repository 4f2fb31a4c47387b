/**
 * MATLAB 5 MAT-files (`scipy.io.savemat`, MATLAB `save -v7`): a 128-byte
 * header (text starting `MATLAB 5.0 MAT-file`, a subsystem offset, version
 * 0x0100 and the `IM`/`MI` endian mark), then data elements, each an
 * 8-byte tag (type 1..18, byte count) and its bytes, `miMATRIX` elements
 * padded to 8 and `miCOMPRESSED` ones not, tiling the file to its last
 * byte. `scipy.io.loadmat` reads arrays, structs and cells; it calls
 * nothing from the file. (v7.3 files are HDF5 and are read as HDF5.)
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import { ModelguardError } from '../../errors.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

const HEADER = 128;
const MI_COMPRESSED = 15;
const MAX_TYPE = 18;
/** Top-level elements walked (CWE-400). */
const MAX_ELEMENTS = 1 << 20;

function littleEndian(b: Uint8Array): boolean | undefined {
  if (ascii(b, 126, 'IM') && b[124] === 0 && b[125] === 1) return true;
  if (ascii(b, 126, 'MI') && b[124] === 1 && b[125] === 0) return false;
  return undefined;
}

export const matlab: Recogniser = {
  id: 'matlab-mat5',
  first: 'M',
  identify: (p: Probe) => p.head.length >= HEADER && ascii(p.head, 0, 'MATLAB 5.0 MAT-file') && littleEndian(p.head) !== undefined,
  check(src: ByteSource): string {
    const le = littleEndian(src.read(0, Math.min(src.size, HEADER)));
    expect(le !== undefined, 'MAT-file version or endian mark is wrong', 124);
    const c = new WindowCursor(src, HEADER);
    c.littleEndian = le;
    let n = 0;
    while (c.remaining > 0) {
      if (++n > MAX_ELEMENTS) throw new ModelguardError('E_LIMIT', `MAT-file: more than ${MAX_ELEMENTS} elements`, { offset: c.pos });
      const at = c.pos;
      const type = c.u32('element type');
      if (type >>> 16 !== 0) {
        // Small data element: type and size share the first word, data in the second.
        expect((type & 0xffff) >= 1 && (type & 0xffff) <= MAX_TYPE && type >>> 16 <= 4, `element at ${at}: small element of type ${type & 0xffff}`, at);
        c.skip(4, 'small element data');
        continue;
      }
      const bytes = c.u32('element size');
      expect(type >= 1 && type <= MAX_TYPE, `element at ${at}: unknown data type ${type}`, at);
      const padded = type === MI_COMPRESSED ? bytes : Math.ceil(bytes / 8) * 8;
      // The last element's padding may be left off.
      expect(bytes <= c.remaining, `element at ${at}: ${bytes} bytes run past the end of the file`, at);
      c.skip(Math.min(padded, c.remaining), 'element data');
    }
    return `MATLAB 5 MAT-file: ${n} data elements tiling the file`;
  },
};
