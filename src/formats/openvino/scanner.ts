/**
 * OpenVINO IR: a `model.xml` network description (`<net>` with `<layers>`
 * and `<edges>`) and a `model.bin` of raw weights that Const layers slice
 * with `<data offset=".." size=".."/>`. The XML names operations from
 * OpenVINO's opsets; custom operations need an extension library loaded by
 * the application, never from the model folder. The XML is text; what is
 * recorded here is the weight extent it declares, so the `.bin` beside it
 * can be credited (`weights.ts`).
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { Probe } from '../format.js';
import { expect, firstNonSpace, inertFormat, type Recogniser } from '../inert.js';

export const WEIGHT_BYTES_INFO = 'openvino.weightBytes';
/** XML read to find the weight extent (CWE-400); IRs of large models are a few MiB of text. */
const MAX_XML = 256 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

const ir: Recogniser = {
  id: 'openvino-ir',
  first: [0x3c, 0x20, 0x09, 0x0a, 0x0d, 0xef],
  identify(p: Probe): boolean {
    if (firstNonSpace(p.head) !== 0x3c) return false;
    const head = new TextDecoder('latin1').decode(p.head.subarray(0, 1024));
    return /^(\ufeff)?\s*(<\?xml[^>]*\?>\s*)?<net\s[^>]*\bversion="\d+"/.test(head);
  },
  check(src: ByteSource, ctx: ScanContext): string {
    expect(src.size <= MAX_XML, `IR of ${src.size} bytes (limit ${MAX_XML})`);
    let xml: string;
    try {
      xml = utf8.decode(src.read(0, src.size));
    } catch {
      throw new ModelguardError('E_MALFORMED', 'the IR is not UTF-8 text');
    }
    expect(xml.includes('<layers>') && /<\/net>\s*$/.test(xml), 'no <layers> element, or the document does not end with </net>');
    let extent = 0;
    let consts = 0;
    for (const m of xml.matchAll(/<data\s[^>]*>/g)) {
      const off = /\boffset="(\d+)"/.exec(m[0]);
      const size = /\bsize="(\d+)"/.exec(m[0]);
      if (off === null || size === null) continue;
      consts++;
      extent = Math.max(extent, Number(off[1]) + Number(size[1]));
    }
    const layers = xml.match(/<layer\s/g)?.length ?? 0;
    ctx.info(WEIGHT_BYTES_INFO, extent);
    return `OpenVINO IR: ${layers} layers, ${consts} constants slicing ${extent} bytes of its .bin`;
  },
};

export const openvinoFormat = inertFormat({
  id: 'openvino',
  title: 'OpenVINO IR',
  kind: 'model-data-only',
  covers: ['text'],
  rule: {
    id: 'openvino/ir',
    title: 'OpenVINO IR network',
    severity: 'info',
    help: 'An OpenVINO IR network description: layers of OpenVINO operations and the byte ranges of its .bin weights. Custom operations need an extension library the application loads; the IR itself carries no code.',
    references: ['https://docs.openvino.ai/2024/documentation/openvino-ir-format.html'],
  },
  members: [ir],
});
