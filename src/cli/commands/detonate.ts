/**
 * `modelguard detonate`: load a model with its real loader inside a sandbox
 * and report what it did. A thin layer over `src/sandbox/detonate.ts`.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelguardError } from '../../errors.js';
import { BACKEND_IDS } from '../../sandbox/backend/detect.js';
import type { BackendId } from '../../sandbox/backend/types.js';
import { detonate } from '../../sandbox/detonate.js';
import { isSandboxError } from '../../sandbox/errors.js';
import { LOADER_IDS, parseLoader } from '../../sandbox/loaders.js';
import { renderDetonation } from '../../sandbox/render.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';

/** No isolation available, or the loader's library is missing: nothing was loaded. */
export const EXIT_NO_SANDBOX = 3;

const HELP = `Usage: modelguard detonate [options] <file>

Loads the file with its real Python loader inside a sandbox (bubblewrap by
default: new namespaces, no network, read-only system root, uid 65534, a
seccomp filter, rlimits, a wall-clock limit) and reports what it did: the
processes it started, code it ran, files it wrote, sockets it opened.
It never falls back to loading on the host.

Options:
  -l, --loader <id>        ${LOADER_IDS.join(', ')}
                           (default: from the detected format)
  -b, --backend <id>       ${BACKEND_IDS.join(', ')} (default: the first installed)
      --python <path>      interpreter with the loaders (default /usr/bin/python3)
      --timeout <seconds>  wall-clock limit (default 60)
      --memory <MiB>       address-space limit (default 4096)
  -f, --format <text|json> report format (default: text)
  -v, --verbose            list every recorded event
  -h, --help               show this help

Exit status: 0 loaded (or failed to load) without reaching a sink, 1 a sink
was reached or the run was inconclusive (killed, time-out), 2 usage or I/O
error, 3 no isolation available or the loader's library is missing.

Examples:
  modelguard detonate suspicious.pt
  modelguard detonate --loader numpy --format json features.npy
`;

function positiveInt(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ModelguardError('E_USAGE', `${what} must be a positive integer`);
  return n;
}

export const detonateCommand: Command = {
  name: 'detonate',
  summary: 'load a model with its real loader inside a sandbox and report what it did',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        loader: { type: 'string', short: 'l' },
        backend: { type: 'string', short: 'b' },
        python: { type: 'string' },
        timeout: { type: 'string' },
        memory: { type: 'string' },
        format: { type: 'string', short: 'f', default: 'text' },
        verbose: { type: 'boolean', short: 'v', default: false },
      },
    });
    const file = positionals[0];
    if (file === undefined || positionals.length > 1) {
      io.stderr.write(`modelguard detonate: give exactly one file\n\n${HELP}`);
      return EXIT_USAGE;
    }
    if (values.format !== 'text' && values.format !== 'json') throw new ModelguardError('E_USAGE', '--format must be text or json');
    const timeout = positiveInt(values.timeout, '--timeout');
    const memory = positiveInt(values.memory, '--memory');
    try {
      const d = await detonate(resolve(io.cwd, file), {
        ...(values.loader === undefined ? {} : { loader: parseLoader(values.loader) }),
        ...(values.backend === undefined ? {} : { backend: values.backend as BackendId }),
        ...(values.python === undefined ? {} : { python: values.python }),
        limits: { ...(timeout === undefined ? {} : { wallMs: timeout * 1000 }), ...(memory === undefined ? {} : { memoryBytes: memory * 1024 * 1024 }) },
      });
      io.stdout.write(values.format === 'json' ? `${JSON.stringify({ ...d, file }, null, 2)}\n` : renderDetonation({ ...d, file }, values.verbose));
      return d.verdict === 'malicious' || d.verdict === 'inconclusive' ? EXIT_FINDINGS : EXIT_OK;
    } catch (e) {
      if (isSandboxError(e, 'E_SANDBOX_UNAVAILABLE') || isSandboxError(e, 'E_LOADER_UNAVAILABLE')) {
        io.stderr.write(`modelguard detonate: ${e.code}: ${e.message}\n`);
        return EXIT_NO_SANDBOX;
      }
      throw e;
    }
  },
};
