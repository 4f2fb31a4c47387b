/**
 * `modelguard convert <input> <output>`: PyTorch checkpoints, Hugging Face
 * folders and NumPy .npz files to safetensors, without executing anything.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { convert } from '../../convert/index.js';
import type { ConvertOptions, ConvertReport } from '../../convert/convert.js';
import { ConvertError, convertExitCode } from '../../convert/errors.js';
import { describeError, ModelguardError } from '../../errors.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';

const HELP = `Usage: modelguard convert <input> <output> [options]

Converts a PyTorch checkpoint (zip or legacy format) to .safetensors, a
Hugging Face folder (pytorch_model.bin or sharded, with its index) to a
folder of .safetensors files, or a NumPy .npz to .safetensors. The input
is scanned first; nothing in it is executed. Output is written to a
temporary name, flushed and renamed: an interrupted run never leaves a
partial file under the final name.

Options:
  --verify            re-read the output and compare every tensor byte for byte
  -i, --identity <f>  age identity: an age-encrypted checkpoint is scanned and
                      converted decrypted in memory (no plaintext on disk)
  --dtype <type>      cast float tensors to f32, f16, bf16 or f64 (torch's rounding)
  --shared <mode>     tied weights: dedupe (default: keep one name, record the
                      others in __metadata__ as Hugging Face does) or copy
  --key <path>        convert only the subtree at this dotted path (e.g. state_dict)
  --salvage           leave behind objects outside the weights-only set and
                      unsupported tensors (quantized, sparse) instead of failing
  --allow-malicious   convert even if the scan says malicious (implies --salvage);
                      the report lists what was left behind
  -a, --allowlist <f> extra allowed globals for the scan first made (JSON or TOML,
                      as for 'scan'); may repeat. Allowed objects that are not
                      tensors are left behind, never rebuilt
  --force             replace an existing output
  --no-fsync          skip the flush to disk before the rename (faster, not crash-safe)
  --json              print the report as JSON
  -h, --help          show this help

Exit status: 0 converted, 1 refused (malicious input, an object outside the
weights-only set) or verification failed, 2 usage, I/O or unsupported input.
`;

const DTYPES: Record<string, ConvertOptions['dtype']> = {
  f32: 'F32',
  f16: 'F16',
  bf16: 'BF16',
  f64: 'F64',
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  float64: 'F64',
};

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u] as string}`;
}

export function renderReport(r: ConvertReport): string {
  const lines: string[] = [];
  lines.push(`converted ${r.input} -> ${r.output}: ${r.tensors} tensors, ${fmtBytes(r.bytes)} in ${r.durationMs} ms`);
  if (r.scan !== undefined) lines.push(`  scan: ${r.scan.verdict}${r.scan.findings.length > 0 ? ` (${r.scan.findings.length} findings)` : ''}`);
  for (const a of r.aliases.slice(0, 20)) lines.push(`  tied: ${a.name} -> ${a.kept} (recorded in __metadata__)`);
  for (const g of r.sharedCopies.slice(0, 10)) lines.push(`  shared storage written as copies: ${g.join(', ')}`);
  if (r.cast > 0) lines.push(`  cast: ${r.cast} float tensors`);
  if (r.nonTensorValues > 0) lines.push(`  not written: ${r.nonTensorValues} plain values (numbers, strings...) safetensors cannot hold`);
  for (const l of r.leftBehind.slice(0, 50)) lines.push(`  left behind: ${l.where}: ${l.what}: ${l.why}`);
  if (r.leftBehind.length > 50) lines.push(`  ... and ${r.leftBehind.length - 50} more left behind`);
  if (r.copied !== undefined && r.copied.length > 0) lines.push(`  copied: ${r.copied.join(', ')}`);
  if (r.verified !== undefined) lines.push(`  verified: ${r.verified.tensors} tensors, ${fmtBytes(r.verified.bytes)} identical`);
  for (const h of r.hints) lines.push(`  hint: ${h}`);
  return `${lines.join('\n')}\n`;
}

export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert PyTorch checkpoints, Hugging Face folders and .npz to safetensors without running them',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          verify: { type: 'boolean' },
          dtype: { type: 'string' },
          shared: { type: 'string' },
          key: { type: 'string' },
          salvage: { type: 'boolean' },
          'allow-malicious': { type: 'boolean' },
          force: { type: 'boolean' },
          'no-fsync': { type: 'boolean' },
          json: { type: 'boolean' },
          identity: { type: 'string', short: 'i' },
          allowlist: { type: 'string', short: 'a', multiple: true },
        },
      });
    } catch (e) {
      io.stderr.write(`modelguard convert: ${(e as Error).message}\n\n${HELP}`);
      return EXIT_USAGE;
    }
    const { values: v, positionals } = parsed;
    if (positionals.length !== 2) {
      io.stderr.write(`modelguard convert: expected <input> <output>\n\n${HELP}`);
      return EXIT_USAGE;
    }
    const dtype = v.dtype === undefined ? undefined : DTYPES[v.dtype.toLowerCase()];
    if (v.dtype !== undefined && dtype === undefined) {
      io.stderr.write(`modelguard convert: --dtype must be f32, f16, bf16 or f64\n`);
      return EXIT_USAGE;
    }
    if (v.shared !== undefined && v.shared !== 'dedupe' && v.shared !== 'copy') {
      io.stderr.write(`modelguard convert: --shared must be dedupe or copy\n`);
      return EXIT_USAGE;
    }
    const options: ConvertOptions = {
      verify: v.verify === true,
      salvage: v.salvage === true,
      allowMalicious: v['allow-malicious'] === true,
      overwrite: v.force === true,
      durable: v['no-fsync'] !== true,
      ...(dtype === undefined ? {} : { dtype }),
      ...(v.shared === undefined ? {} : { shared: v.shared }),
      ...(v.key === undefined ? {} : { key: v.key }),
      ...(v.identity === undefined ? {} : { identityFile: resolve(io.cwd, v.identity) }),
    };
    if (v.allowlist !== undefined) {
      const { loadAllowlist } = await import('../../python-globals/allowlist-file.js');
      try {
        options.allow = v.allowlist.flatMap((f) => loadAllowlist(resolve(io.cwd, f)).allow);
      } catch (e) {
        io.stderr.write(`modelguard convert: ${describeError(e)}\n`);
        return EXIT_USAGE;
      }
    }
    const [input, output] = positionals.map((p) => resolve(io.cwd, p)) as [string, string];
    try {
      const report = await convert(input, output, options);
      io.stdout.write(v.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
      return EXIT_OK;
    } catch (e) {
      if (e instanceof ConvertError) {
        if (v.json === true) {
          io.stdout.write(
            `${JSON.stringify({ error: { code: e.code, message: e.message, tensor: e.tensor, global: e.global, findings: e.findings } }, null, 2)}\n`,
          );
        }
        io.stderr.write(`modelguard convert: ${e.code}: ${e.message}\n`);
        for (const f of e.findings.slice(0, 10)) io.stderr.write(`  ${f.severity} ${f.rule}: ${f.message}\n`);
        return convertExitCode(e);
      }
      if (e instanceof ModelguardError) {
        io.stderr.write(`modelguard convert: ${describeError(e)}\n`);
        return EXIT_USAGE;
      }
      throw e;
    }
  },
};
