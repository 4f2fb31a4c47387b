/**
 * `modelguard scan`: the scanner on the command line. A thin layer over
 * `scanPaths` and the reporters.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelguardError } from '../../errors.js';
import { renderJson } from '../../report/json.js';
import { renderSarif } from '../../report/sarif.js';
import { renderText } from '../../report/text.js';
import { buildReport, scanPaths } from '../../scan/directory.js';
import { scanSource, type ScanOptions } from '../../scan/engine.js';
import { BufferSource } from '../../bytes/source.js';
import { refuseSameFile, writeFileAtomicSync } from '../../files/temp.js';
import type { ScanReport } from '../../findings/report.js';
import { DEFAULT_LIMITS, type Limits } from '../../formats/limits.js';
import { PROFILE_IDS } from '../../python-globals/profiles.js';
import type { AllowEntry } from '../../python-globals/types.js';
import { fails } from '../../findings/verdict.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { Progress } from '../progress.js';

const HELP = `Usage: modelguard scan [options] <path>...

Tells whether model files can run code or attack their loader, without
executing them. Paths may be files or directories (scanned recursively,
in parallel), or '-' for standard input. Formats are detected by content,
never by extension. FIFOs, sockets and devices are named and skipped,
never opened. Scanning nothing (an empty folder) is an error, not CLEAN.

Options:
  -f, --format <text|json|sarif>   report format (default: text)
  -o, --output <file>              write the report to a file instead of stdout ('-': stdout)
      --fail-on <suspicious|malicious>
                                   exit 1 when any file is at least this bad
                                   (default: suspicious; unscannable always fails)
  -p, --profile <name>             pickle allowlist profile: auto (by format; default),
                                   ${PROFILE_IDS.join(', ')}
  -a, --allowlist <file>           extra allowed globals (JSON or TOML); may repeat
  -j, --jobs <n>                   threads (default: all cores, workers started only
                                   when the scan is long enough to pay for them)
  -i, --identity <file>            age identity: scan age-encrypted files decrypted in
                                   memory (no plaintext is written to disk)
      --unknown-as <unscannable|clean>
                                   what bytes matching no format count as (default:
                                   unscannable); formats a loader runs code from stay
                                   unscannable when they cannot be read to the end
      --limit <name=value>         override a resource limit (e.g. maxInflatedBytes=2147483648); may repeat
  -q, --quiet                      list only files that are not clean
  -v, --verbose                    also show info-level findings
      --no-color                   never colour the text report (NO_COLOR is honoured too)
      --no-progress                no progress line on stderr
      --detonate                   also load each file with its real loader in a sandbox
                                   (see 'modelguard detonate'); static and dynamic verdicts
                                   side by side, a sink the static scan missed is a finding
      --attest <file>              also sign a scan attestation bound to the model digest
                                   (needs --private-key [--password]; one model path)
  -h, --help                       show this help

Exit status: 0 clean, 1 findings at or above --fail-on (or unscannable),
2 usage or I/O error (nothing to scan; a report that cannot be written),
141 standard output closed early (a pipe into head).

Examples:
  modelguard scan model.pt
  modelguard scan --format sarif -o modelguard.sarif ./models
  modelguard scan --allowlist ours.toml --fail-on malicious checkpoints/
`;

/** Bytes read from standard input before giving up (CWE-400): the input is held in memory to be scanned. */
const MAX_STDIN_BYTES = 2 * 1024 * 1024 * 1024 - 1;

/** `scan -`: reads standard input to its end and scans it as one file named `-`. */
async function scanStdin(io: CliIO, options: ScanOptions): Promise<ScanReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of io.stdin as AsyncIterable<Uint8Array | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += b.length;
    if (total > MAX_STDIN_BYTES) throw new ModelguardError('E_LIMIT', `standard input is larger than ${MAX_STDIN_BYTES} bytes; scan it as a file`);
    parts.push(b);
  }
  const file = await scanSource(new BufferSource(Buffer.concat(parts, total)), '-', options);
  return buildReport([file], options.profile ?? 'auto', startedAt, performance.now() - t0);
}

function parseLimits(list: string[]): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const item of list) {
    const m = /^(\w+)=(\d+)$/.exec(item);
    if (m === null || !((m[1] as string) in DEFAULT_LIMITS)) {
      throw new ModelguardError('E_USAGE', `--limit expects name=value with a name in ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    }
    (out as Record<string, number>)[m[1] as string] = Number(m[2]);
  }
  return out;
}

export const scanCommand: Command = {
  name: 'scan',
  summary: 'scan model files or folders for code execution and loader attacks',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        output: { type: 'string', short: 'o' },
        'fail-on': { type: 'string', default: 'suspicious' },
        profile: { type: 'string', short: 'p', default: 'auto' },
        allowlist: { type: 'string', short: 'a', multiple: true, default: [] },
        jobs: { type: 'string', short: 'j' },
        limit: { type: 'string', multiple: true, default: [] },
        'unknown-as': { type: 'string', default: 'unscannable' },
        quiet: { type: 'boolean', short: 'q', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
        'no-color': { type: 'boolean', default: false },
        'no-progress': { type: 'boolean', default: false },
        identity: { type: 'string', short: 'i' },
        attest: { type: 'string' },
        detonate: { type: 'boolean', default: false },
        'private-key': { type: 'string' },
        password: { type: 'string' },
      },
    });
    if (positionals.length === 0) {
      io.stderr.write(`modelguard scan: no path given\n\n${HELP}`);
      return EXIT_USAGE;
    }
    const format = values.format;
    if (format !== 'text' && format !== 'json' && format !== 'sarif') {
      throw new ModelguardError('E_USAGE', `--format must be text, json or sarif, not '${format}'`);
    }
    const failOn = values['fail-on'];
    if (failOn !== 'suspicious' && failOn !== 'malicious') {
      throw new ModelguardError('E_USAGE', `--fail-on must be suspicious or malicious, not '${failOn}'`);
    }
    const unknownAs = values['unknown-as'];
    if (unknownAs !== 'clean' && unknownAs !== 'unscannable') {
      throw new ModelguardError('E_USAGE', `--unknown-as must be unscannable or clean, not '${unknownAs}'`);
    }
    let profile = values.profile === 'auto' ? undefined : values.profile;
    if (profile !== undefined && !PROFILE_IDS.includes(profile)) {
      throw new ModelguardError('E_USAGE', `unknown profile '${profile}' (known: auto, ${PROFILE_IDS.join(', ')})`);
    }
    const allow: AllowEntry[] = [];
    if (values.allowlist.length > 0) {
      // Loaded only when asked for: most scans need no TOML parser.
      const { loadAllowlist } = await import('../../python-globals/allowlist-file.js');
      for (const file of values.allowlist) {
        const a = loadAllowlist(file);
        allow.push(...a.allow);
        if (profile === undefined && a.profile !== undefined) profile = a.profile;
      }
    }
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new ModelguardError('E_USAGE', '--jobs must be a positive integer');
    const output = values.output === '-' ? undefined : values.output;
    if (positionals.includes('-') && positionals.length > 1) throw new ModelguardError('E_USAGE', "'-' (standard input) must be the only path");
    if (output !== undefined) for (const p of positionals) if (p !== '-') refuseSameFile(resolve(io.cwd, p), resolve(io.cwd, output), 'report');
    const progress = new Progress(io.stderr, !values['no-progress'] && format === 'text' ? undefined : false);
    const scanOptions = {
      ...(profile === undefined ? {} : { profile }),
      allow,
      ...(values.identity === undefined ? {} : { identityFile: resolve(io.cwd, values.identity) }),
      limits: parseLimits(values.limit),
      unknownAs,
    } as const;
    let report =
      positionals[0] === '-'
        ? await scanStdin(io, scanOptions)
        : await scanPaths(positionals, {
            ...scanOptions,
            ...(jobs === undefined ? {} : { jobs }),
            cwd: io.cwd,
            onProgress: (done, total, r) => {
              progress.update(done, total, r.verdict);
            },
          });
    progress.done();
    if (report.files.length === 0) {
      // Nothing was scanned: never a CLEAN verdict with status 0 (a typo in a path or an empty download must not pass).
      io.stderr.write(`modelguard scan: no files found in ${positionals.join(', ')}; nothing scanned\n`);
      return EXIT_USAGE;
    }
    let sideBySide = '';
    if (values.detonate) {
      const { detonateScan } = await import('../../sandbox/scan-detonate.js');
      ({ report, table: sideBySide } = await detonateScan(report, positionals, io.cwd));
    }
    const color = format === 'text' && output === undefined && io.stdout.isTTY === true && !values['no-color'] && io.env['NO_COLOR'] === undefined;
    const text =
      format === 'json'
        ? renderJson(report)
        : format === 'sarif'
          ? renderSarif(report)
          : renderText(report, { color, verbose: values.verbose, quiet: values.quiet }) + sideBySide;
    if (output !== undefined) {
      // Written whole beside the target and renamed: a failed write leaves no half report (src/files/temp.ts).
      writeFileAtomicSync(resolve(io.cwd, output), text, 0o644, false);
      if (format !== 'text') io.stderr.write(`wrote ${output}: verdict ${report.verdict}\n`);
    } else {
      io.stdout.write(text);
    }
    if (values.attest !== undefined) {
      const { attestScan } = await import('../../sign/attest.js');
      const key = values['private-key'];
      const only = positionals[0];
      if (key === undefined || positionals.length !== 1 || only === undefined) {
        throw new ModelguardError('E_USAGE', '--attest needs --private-key and exactly one model path');
      }
      const password = values.password ?? io.env['MODELGUARD_KEY_PASSWORD'];
      const root = await attestScan(
        resolve(io.cwd, only),
        report,
        { method: 'key', privateKey: resolve(io.cwd, key), ...(password === undefined ? {} : { password }) },
        { output: resolve(io.cwd, values.attest), ignorePaths: ['model.sig'] },
      );
      io.stderr.write(`attested sha256:${root}: verdict ${report.verdict} -> ${values.attest}\n`);
    }
    return fails(report.verdict, failOn) ? EXIT_FINDINGS : EXIT_OK;
  },
};
