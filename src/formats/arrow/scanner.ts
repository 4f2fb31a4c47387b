/**
 * Arrow IPC files and streams: Hugging Face `datasets` caches
 * (`data-00000-of-00001.arrow`, the stream format), Feather v2 and
 * `pyarrow.ipc` files. A stream is messages from the first byte, the first
 * a Schema; a file is `ARROW1`, the same messages, a Footer FlatBuffer,
 * its length and `ARROW1` again. Every message is framed within the file
 * and every record-batch block of the footer points inside it. A pickled
 * Python extension type in the schema is analysed as a pickle.
 */
import { BufferSource, type ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { Probe } from '../format.js';
import { ascii, expect, inertFormat, type Recogniser } from '../inert.js';
import { FlatBuffer } from './flatbuffer.js';
import { parseMessage, walkMessages, type MessageWalk } from './messages.js';
import { pickledExtensions, type PickledExtension } from './schema.js';

const MAGIC = 'ARROW1';
/** Footer bytes parsed in memory (CWE-770). */
const MAX_FOOTER = 256 * 1024 * 1024;

function u32le(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}

async function scanPickled(pickled: readonly PickledExtension[], ctx: ScanContext): Promise<void> {
  // pyarrow < 14.0.1 unpickles these on read (CVE-2023-47248); newer versions refuse unless told otherwise.
  for (const p of pickled) await ctx.nested(new BufferSource(p.pickle), `arrow.py_extension_type metadata of field ${p.field}`, { format: 'pickle' });
}

function describe(w: MessageWalk): string {
  return Object.entries(w.messages)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

const stream: Recogniser = {
  id: 'arrow-stream',
  first: [0xff],
  identify(p: Probe): boolean {
    if (u32le(p.head, 0) !== 0xffffffff) return false;
    const len = u32le(p.head, 4);
    if (len === 0 || len % 8 !== 0 || 8 + len > p.head.length) return false;
    try {
      return parseMessage(p.head.subarray(8, 8 + len), 8).header === 'Schema';
    } catch {
      return false;
    }
  },
  async check(src: ByteSource, ctx: ScanContext): Promise<string> {
    const w = walkMessages(src, 0, src.size);
    // Bytes after the end-of-stream marker: pyarrow stops reading there; only zero padding is expected.
    expect(w.pos === src.size || src.read(w.pos, src.size - w.pos).every((b) => b === 0), `${src.size - w.pos} bytes after the end-of-stream marker`, w.pos);
    await scanPickled(w.pickled, ctx);
    return `Arrow IPC stream: ${describe(w)} message(s) framed to the end`;
  },
};

const file: Recogniser = {
  id: 'arrow-file',
  first: 'A',
  identify(p: Probe): boolean {
    if (!ascii(p.head, 0, MAGIC) || p.size < 18) return false;
    const t = p.tail();
    return ascii(t, t.length - 6, MAGIC);
  },
  async check(src: ByteSource, ctx: ScanContext): Promise<string> {
    const footerLen = u32le(src.read(src.size - 10, 4), 0);
    const footerAt = src.size - 10 - footerLen;
    expect(footerLen > 0 && footerLen <= MAX_FOOTER && footerAt >= 8, `footer of ${footerLen} bytes does not fit the file`, src.size - 10);
    const w = walkMessages(src, 8, footerAt);
    const fb = new FlatBuffer(src.read(footerAt, footerLen).slice(), footerAt);
    const footer = fb.table(0, 'Footer');
    const schemaPos = fb.field(footer, 1);
    expect(schemaPos !== undefined, 'footer without a schema', footerAt);
    const pickled = [...w.pickled, ...pickledExtensions(fb, fb.table(schemaPos, 'Schema'))];
    let blocks = 0;
    for (const index of [2, 3]) {
      const pos = fb.field(footer, index);
      if (pos === undefined) continue;
      const v = fb.vector(pos, 24, 'blocks');
      for (let i = 0; i < v.len; i++) {
        const at = v.at + 24 * i;
        const offset = fb.i64(at, 'block offset');
        const meta = fb.u32(at + 8, 'block metadata length');
        const body = fb.i64(at + 16, 'block body length');
        expect(offset >= 8 && offset + meta + body <= footerAt, `footer block ${i}: ${meta + body} bytes at offset ${offset} fall outside the data`, footerAt);
        blocks++;
      }
    }
    await scanPickled(pickled, ctx);
    return `Arrow IPC file: ${describe(w)} message(s), ${blocks} footer block(s) inside the file`;
  },
};

export const arrowFormat = inertFormat({
  id: 'arrow',
  title: 'Arrow IPC data',
  kind: 'data-container',
  rule: {
    id: 'arrow/ipc',
    title: 'Arrow IPC data',
    severity: 'info',
    help: 'An Arrow IPC stream or file (Hugging Face datasets cache, Feather v2): messages framed within the file, footer blocks inside it. Readers map column buffers; nothing is executed, except pickled Python extension types in old pyarrow, which are analysed as pickles (CVE-2023-47248).',
    references: [
      'https://arrow.apache.org/docs/format/Columnar.html#serialization-and-interprocess-communication-ipc',
      'https://nvd.nist.gov/vuln/detail/CVE-2023-47248',
    ],
  },
  members: [file, stream],
});
