/**
 * PDF (ISO 32000): papers, model cards and plots in a repository. The
 * header `%PDF-d.d`, then the end of the file as a PDF reader finds it:
 * `startxref`, the offset of the last cross-reference section, and `%%EOF`
 * in the last 1024 bytes; the offset must fall inside the file and point at
 * a classic `xref` table or an `n g obj` cross-reference stream. PDF
 * viewers read these; no ML loader does.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

/** The trailer is searched for in the last bytes, as readers do (PDF 32000-1 7.5.5 and implementation note). */
const TRAILER_BYTES = 1024;

export const pdf: Recogniser = {
  id: 'pdf',
  first: '%',
  identify(p: Probe): boolean {
    const h = p.head;
    return ascii(h, 0, '%PDF-') && (h[5] ?? 0) >= 0x31 && (h[5] ?? 0) <= 0x32 && h[6] === 0x2e && (h[7] ?? 0) >= 0x30 && (h[7] ?? 0) <= 0x39;
  },
  check(src: ByteSource): string {
    const n = Math.min(src.size, TRAILER_BYTES);
    const tail = new TextDecoder('latin1').decode(src.read(src.size - n, n));
    const eof = tail.lastIndexOf('%%EOF');
    expect(eof >= 0 && /^[\r\n\0 \t]*$/.test(tail.slice(eof + 5)), 'no %%EOF marker at the end of the file', src.size - n);
    const m = /startxref[\r\n ]+(\d{1,15})[\r\n ]+%%EOF[\r\n\0 \t]*$/.exec(tail);
    expect(m !== null, 'no `startxref <offset>` before the final %%EOF', src.size - n);
    const xref = Number(m[1]);
    expect(xref > 8 && xref < src.size, `startxref offset ${xref} outside the file`, src.size - n + m.index);
    const at = new TextDecoder('latin1').decode(src.read(xref, Math.min(64, src.size - xref)));
    const table = at.startsWith('xref');
    expect(table || /^\d+\s+\d+\s+obj\b/.test(at), `startxref offset ${xref} points at neither an xref table nor an xref stream object`, xref);
    return `PDF ${new TextDecoder('latin1').decode(src.read(5, 3))}: cross-reference ${table ? 'table' : 'stream'} at ${xref} found through startxref`;
  },
};
