/**
 * Mutations behind a container's checks: the pickle inside a PyTorch zip
 * checkpoint, a TorchScript archive and an .npz mutated at its opcode
 * fields and boundaries, then the archive rebuilt with correct CRCs and
 * offsets (so the mutant reaches the pickle machine, as it would reach
 * torch.load); and the text headers of safetensors and .npy files (spans,
 * shapes, dtypes, duplicate keys) rewritten with their length fields kept
 * consistent.
 */
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fixture } from '../helpers.js';
import { mutants } from './fields.js';
import { assertNoFailures, sample, scanChecked, tally } from './harness.js';
import { pickleLayout, runsOpcodeAt } from './layouts-models.js';
import { scanBuffer } from '../../src/scan/engine.js';
import type { FileReport } from '../../src/findings/report.js';
import { members, rezip } from './rezip.js';

const ZIPPED: [string[], RegExp][] = [
  [['torch', 'malicious__datapkl-payload-injected.pt'], /data\.pkl$/],
  [['torch', 'malicious__reduce-object-in-dict.pt'], /data\.pkl$/],
  [['torch', 'malicious__torchscript-from-file-in-setstate.pt'], /(data|constants)\.pkl$/],
  [['numpy', 'malicious__npz-object-member.npz'], /\.npy$/],
];

after(() => {
  process.stdout.write(`# fuzz tally: ${JSON.stringify(tally)}\n`);
});

describe('pickles inside archives, mutated behind valid CRCs', () => {
  it('every opcode field and boundary of the loaded pickle: typed outcome, hostile never clean', async () => {
    for (const [path, member] of ZIPPED) {
      const seed = Uint8Array.from(readFileSync(fixture(...path)));
      const list = members(seed);
      const report = await scanBuffer(seed, path[1] ?? '');
      for (const m of list.filter((x) => member.test(x.name))) {
        // An .npy member's pickle starts after its header.
        const start = m.name.endsWith('.npy') ? 10 + ((m.data[8] ?? 0) | ((m.data[9] ?? 0) << 8)) : 0;
        const layout = pickleLayout(m.data, start);
        const at = payloadOffset(report, m.name);
        const op = at === undefined ? undefined : m.data[at];
        for (const mu of sample([...mutants(m.data, layout)], 30)) {
          // Hostile when the loader still reaches the payload's opcode (a changed length can end the pickle
          // before it: the unpickler stops at the first STOP); a cut pickle is never clean in any case.
          const moved = at !== undefined && mu.moved !== undefined && at >= mu.moved.at ? at + mu.moved.by : at;
          const hostile = mu.what.startsWith('cut@') || (moved !== undefined && op !== undefined && runsOpcodeAt(mu.data, moved, op, start));
          await scanChecked(
            `inner-${path[1] ?? ''}-${m.name}-${mu.what}`,
            rezip(list, (x) => x === m, mu.data),
            { hostile },
          );
        }
      }
    }
    assertNoFailures();
  });
});

/** Offset of the opcode a malicious finding names inside `member` (the payload's call). */
function payloadOffset(report: FileReport, member: string): number | undefined {
  return report.findings.find((f) => f.severity === 'malicious' && f.location?.member?.at(-1) === member && f.location.offset !== undefined)?.location?.offset;
}

function safetensors(header: unknown, data: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Uint8Array.from(Buffer.concat([len, json, data]));
}

describe('safetensors headers with hostile spans, shapes and keys', () => {
  it('offsets at 0, past the end, overlapping, huge; shapes huge and negative; duplicate keys', async () => {
    const seed = readFileSync(fixture('safetensors', 'clean__small-model.safetensors'));
    const n = Number(seed.readBigUInt64LE(0));
    const header = JSON.parse(seed.subarray(8, 8 + n).toString()) as Record<string, { data_offsets?: [number, number]; shape?: number[]; dtype?: string }>;
    const data = Uint8Array.from(seed.subarray(8 + n));
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    const spans: unknown[] = [
      [0, 0],
      [0, data.length + 1],
      [data.length, data.length + 8],
      [8, 4],
      [0, 2 ** 53],
      [2 ** 64, 2 ** 64 + 4],
      [-8, 0],
      [0.5, 4],
      ['0', '4'],
      [0],
    ];
    const shapes: unknown[] = [[2 ** 62], [2 ** 32, 2 ** 32], [-1], [], Array.from({ length: 1000 }, () => 1), [0]];
    for (const name of names.slice(0, 3)) {
      for (const s of spans)
        await scanChecked(`st-span-${name}-${JSON.stringify(s)}`, safetensors({ ...header, [name]: { ...header[name], data_offsets: s } }, data));
      for (const s of shapes)
        await scanChecked(`st-shape-${name}-${JSON.stringify(s).slice(0, 40)}`, safetensors({ ...header, [name]: { ...header[name], shape: s } }, data));
      for (const t of ['F8_E4M3', 'X99', '', 'O'])
        await scanChecked(`st-dtype-${name}-${t}`, safetensors({ ...header, [name]: { ...header[name], dtype: t } }, data));
    }
    // A key twice (JSON.stringify cannot write that): the raw header with the first entry repeated.
    const raw = seed.subarray(8, 8 + n).toString();
    const first = /^\{("[^"]+":\{[^}]*\}),/.exec(raw);
    if (first?.[1] !== undefined) {
      const dup = Buffer.from(`{${first[1]},${raw.slice(1)}`);
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(dup.length));
      await scanChecked('st-duplicate-key', Uint8Array.from(Buffer.concat([len, dup, data])));
    }
    // Nested arrays past the JSON depth limit, in the metadata.
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    await scanChecked('st-deep-json', stDeep(deep));
    assertNoFailures();
  });
});

function stDeep(deep: string): Uint8Array {
  const body = Buffer.from(`{"__metadata__":{"x":${deep}}}`);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(body.length));
  return Uint8Array.from(Buffer.concat([len, body]));
}

function npy(header: string, data: Uint8Array): Uint8Array {
  const pad = 64 - ((10 + header.length + 1) % 64);
  const h = Buffer.from(header + ' '.repeat(pad === 64 ? 0 : pad) + '\n');
  const out = Buffer.alloc(10);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out.writeUInt16LE(h.length, 8);
  return Uint8Array.from(Buffer.concat([out, h, data]));
}

describe('.npy headers with hostile shapes, dtypes and literals', () => {
  it('an object array stays malicious whatever its shape says; other headers end typed', async () => {
    const seed = readFileSync(fixture('numpy', 'malicious__object-array-payload.npy'));
    const hl = seed.readUInt16LE(8);
    const body = Uint8Array.from(seed.subarray(10 + hl));
    // numpy checks only that the shape is a tuple of ints, then unpickles an object array before reshaping it:
    // whatever those ints are, the payload runs (never clean); a shape that is not ints stops it first.
    const shapes: [string, boolean][] = [
      ['()', true],
      ['(0,)', true],
      ['(1,)', true],
      [`(${2 ** 62},)`, true],
      [`(${2 ** 31}, ${2 ** 31}, ${2 ** 31})`, true],
      ['(-1,)', true],
      ['(1,' + ' 1,'.repeat(200) + ')', true],
      ['(1.5,)', false],
      ["('a',)", false],
    ];
    for (const [s, loads] of shapes) {
      await scanChecked(`npy-shape-${s.slice(0, 30)}`, npy(`{'descr': '|O', 'fortran_order': False, 'shape': ${s}, }`, body), { hostile: loads });
    }
    const descrs = [
      "'<f8'",
      "[('a', '|O')]",
      "[('a', [('b', [('c', '|O')])])]",
      "'|V8'",
      "'<U'",
      "'>M8[ns]'",
      `'${'x'.repeat(5000)}'`,
      '[' + "('a','<f4'),".repeat(300) + ']',
      "'" + '['.repeat(500) + "'",
    ];
    for (const d of descrs) await scanChecked(`npy-descr-${d.slice(0, 30)}`, npy(`{'descr': ${d}, 'fortran_order': False, 'shape': (3,), }`, body));
    for (const h of [
      '{}',
      '{',
      "{'descr': '|O'}",
      '[' + '['.repeat(10_000),
      "{'descr': '|O', 'shape': (1,), 'fortran_order': False, 'descr': '<f8', }",
      '\u0000'.repeat(100),
    ]) {
      await scanChecked(`npy-header-${h.slice(0, 20)}`, npy(h, body));
    }
    assertNoFailures();
  });
});
