/**
 * `modelguard scan`: the scanner on the command line. A thin layer over
 * `scanPaths` and the reporters.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ModelguardError } from '../../errors.js';
import { renderJson } from '../../report/json.js';
import { renderSarif } from '../../report/sarif.js';
import { renderText } from '../../report/text.js';
import { buildReport, scanPaths, type DirectoryScanOptions } from '../../scan/directory.js';
import type { ScanReport } from '../../findings/report.js';
import { scanPolicy } from '../scan/policy-options.js';
import { refuseSameFile, writeFileAtomicSync } from '../../files/temp.js';
import { DEFAULT_LIMITS, type Limits } from '../../formats/limits.js';
import { PROFILE_IDS } from '../../python-globals/profiles.js';
import { fails } from '../../findings/verdict.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { Progress } from '../progress.js';
import { keyPassword } from './key-options.js';

const HELP = `Usage: modelguard scan [options] <path>...
       modelguard scan [options] -                    (standard input)
       modelguard scan [options] --hf-cache [<dir>...]
       modelguard scan [options] --hf-model <org/name[@revision]>

Tells whether model files can run code or attack their loader, without
executing them. Paths may be files or directories (scanned recursively,
in parallel), or '-' for standard input. Formats are detected by content,
never by extension. FIFOs, sockets and devices are named and skipped,
never opened. Scanning nothing (an empty folder) is an error, not CLEAN.

Report paths are relative to the working directory (or --base-dir), '/'-
separated, whatever way the paths were written: 'scan models' and
'scan models other' name models/a.pt alike, in text, JSON and SARIF.

Options:
  -f, --format <text|json|sarif>   report format (default: text)
  -o, --output <file>              write the report to a file instead of stdout ('-': stdout)
      --base-dir <dir>             report paths relative to this directory
                                   (default: the working directory)
      --fail-on <suspicious|malicious>
                                   exit 1 when any file is at least this bad
                                   (default: suspicious; unscannable always fails)
  -p, --profile <name>             pickle allowlist profile: auto (by format; default),
                                   ${PROFILE_IDS.join(', ')}
  -a, --allowlist <file>           extra allowed globals (JSON or TOML); may repeat
      --include <glob>             scan only files whose report path matches; may repeat
      --exclude <glob>             skip files whose report path matches; may repeat
                                   (*.pt any depth, dir/ a folder, ** any folders)
      --allow-empty                exit 0 when there is nothing to scan (default: exit 2)
      --config <file>              settings file (default: the nearest .modelguard.toml
                                   at or above the working directory)
      --no-config                  read no settings file
      --hf-cache                   the paths are Hugging Face hub caches (default: the
                                   cache in use, $HF_HUB_CACHE or ~/.cache/huggingface/hub);
                                   reports per repository and revision, each blob once.
                                   A single folder that is a cache is detected by itself
      --hf-model <org/name[@rev]>  one repository of the cache (its newest snapshots,
                                   or the revision or ref given)
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

Settings (.modelguard.toml; command-line options win):
  profile, fail-on, unknown-as, allowlist (files), include, exclude, [[allow]] entries

Exit status: 0 clean, 1 findings at or above --fail-on (or unscannable),
2 usage or I/O error (an empty scan too, unless --allow-empty; a report
that cannot be written), 141 standard output closed early (a pipe into head).

Examples:
  modelguard scan model.pt
  modelguard scan --format sarif -o modelguard.sarif ./models
  modelguard scan --allowlist ours.toml --fail-on malicious checkpoints/
  curl -sL https://example.org/model.pt | modelguard scan -
  modelguard scan --hf-model openai-community/gpt2
`;

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

async function target(
  positionals: string[],
  values: { 'hf-cache': boolean; 'hf-model'?: string | undefined },
  io: CliIO,
  options: DirectoryScanOptions,
): Promise<ScanReport | undefined> {
  const model = values['hf-model'];
  const only = positionals[0];
  if (
    values['hf-cache'] ||
    model !== undefined ||
    (positionals.length === 1 && only !== undefined && only !== '-' && (await isHfCache(resolve(io.cwd, only))))
  ) {
    const { scanHfCache, defaultHfCache } = await import('../../scan/hf-cache.js');
    const at = model?.lastIndexOf('@') ?? -1;
    const repo = model === undefined ? undefined : at > 0 ? model.slice(0, at) : model;
    const revision = model !== undefined && at > 0 ? model.slice(at + 1) : undefined;
    const dirs = positionals.length > 0 ? positionals : [defaultHfCache(io.env)];
    return scanHfCache(dirs, { ...options, ...(repo === undefined ? {} : { repo }), ...(revision === undefined ? {} : { revision }) });
  }
  if (positionals.length === 0) return undefined;
  if (positionals.includes('-')) {
    if (positionals.length > 1) throw new ModelguardError('E_USAGE', "'-' (standard input) cannot be combined with other paths");
    const { readAll } = await import('../scan/stdin.js');
    const { scanBuffer } = await import('../../scan/engine.js');
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    const { allow, limits, unknownAs } = options;
    const r = await scanBuffer(await readAll(io.stdin), '<stdin>', {
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(allow === undefined ? {} : { allow }),
      ...(limits === undefined ? {} : { limits }),
      ...(unknownAs === undefined ? {} : { unknownAs }),
    });
    return buildReport([r], options.profile ?? 'auto', startedAt, performance.now() - t0);
  }
  return scanPaths(positionals, options);
}

async function isHfCache(dir: string): Promise<boolean> {
  const { looksLikeHfCache } = await import('../../scan/hf-cache.js');
  return looksLikeHfCache(dir);
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
        'base-dir': { type: 'string' },
        'fail-on': { type: 'string' },
        profile: { type: 'string', short: 'p' },
        allowlist: { type: 'string', short: 'a', multiple: true, default: [] },
        include: { type: 'string', multiple: true, default: [] },
        exclude: { type: 'string', multiple: true, default: [] },
        'allow-empty': { type: 'boolean', default: false },
        config: { type: 'string' },
        'no-config': { type: 'boolean', default: false },
        'hf-cache': { type: 'boolean', default: false },
        'hf-model': { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        limit: { type: 'string', multiple: true, default: [] },
        'unknown-as': { type: 'string' },
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
    if (positionals.length === 0 && !values['hf-cache'] && values['hf-model'] === undefined) {
      io.stderr.write(`modelguard scan: no path given\n\n${HELP}`);
      return EXIT_USAGE;
    }
    const format = values.format;
    if (format !== 'text' && format !== 'json' && format !== 'sarif') {
      throw new ModelguardError('E_USAGE', `--format must be text, json or sarif, not '${format}'`);
    }
    const policy = await scanPolicy(
      {
        profile: values.profile,
        failOn: values['fail-on'],
        unknownAs: values['unknown-as'],
        allowlist: values.allowlist,
        include: values.include,
        exclude: values.exclude,
        config: values.config,
        noConfig: values['no-config'],
      },
      io.cwd,
    );
    for (const w of policy.warnings) io.stderr.write(`modelguard scan: warning: ${w}\n`);
    const { profile, failOn, unknownAs, allow } = policy;
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new ModelguardError('E_USAGE', '--jobs must be a positive integer');
    const output = values.output === '-' ? undefined : values.output;
    if (output !== undefined) for (const p of positionals) if (p !== '-') refuseSameFile(resolve(io.cwd, p), resolve(io.cwd, output), 'report');
    const baseDir = resolve(io.cwd, values['base-dir'] ?? '.');
    const filter =
      policy.include.length + policy.exclude.length === 0 ? undefined : (await import('../scan/glob.js')).globFilter(policy.include, policy.exclude);
    const progress = new Progress(io.stderr, !values['no-progress'] && format === 'text' ? undefined : false);
    let report = await target(positionals, values, io, {
      ...(profile === undefined ? {} : { profile }),
      allow,
      ...(values.identity === undefined ? {} : { identityFile: resolve(io.cwd, values.identity) }),
      limits: parseLimits(values.limit),
      unknownAs,
      ...(jobs === undefined ? {} : { jobs }),
      cwd: io.cwd,
      baseDir,
      ...(filter === undefined ? {} : { filter }),
      onProgress: (done, total, r) => {
        progress.update(done, total, r.verdict);
      },
    });
    progress.done();
    if (report === undefined) {
      io.stderr.write(`modelguard scan: no path given\n\n${HELP}`);
      return EXIT_USAGE;
    }
    if (report.files.length === 0 && !values['allow-empty']) {
      io.stderr.write(
        `modelguard scan: nothing to scan: no files under ${positionals.join(', ') || 'the Hugging Face cache'}${filter === undefined ? '' : ' matched --include/--exclude'} (pass --allow-empty to accept an empty scan)\n`,
      );
      return EXIT_USAGE;
    }
    let sideBySide = '';
    if (values.detonate) {
      const { detonateScan } = await import('../../sandbox/scan-detonate.js');
      ({ report, table: sideBySide } = await detonateScan(report, [], baseDir));
    }
    const color = format === 'text' && output === undefined && io.stdout.isTTY === true && !values['no-color'] && io.env['NO_COLOR'] === undefined;
    const text =
      format === 'json'
        ? renderJson(report)
        : format === 'sarif'
          ? renderSarif(report, { baseUri: `${pathToFileURL(baseDir).href.replace(/\/$/, '')}/` })
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
      const root = await attestScan(
        resolve(io.cwd, only),
        report,
        { method: 'key', privateKey: resolve(io.cwd, key), ...keyPassword(values.password, io) },
        { output: resolve(io.cwd, values.attest), ignorePaths: ['model.sig'] },
      );
      io.stderr.write(`attested sha256:${root}: verdict ${report.verdict} -> ${values.attest}\n`);
    }
    return fails(report.verdict, failOn) ? EXIT_FINDINGS : EXIT_OK;
  },
};
