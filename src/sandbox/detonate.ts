/**
 * `detonate`: load one file with its real Python loader inside a sandbox and
 * report what it did. The steps: detect the format and pick the loader,
 * choose an isolation backend (refusing when there is none), open the model
 * for the sandbox, run, read the evidence, decide the dynamic verdict.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { scanFile } from '../scan/scan-file.js';
import { chooseBackend } from './backend/detect.js';
import type { BackendId, SandboxPlan } from './backend/types.js';
import { BOOTSTRAP_PY } from './bootstrap/monitor-py.js';
import { SandboxError } from './errors.js';
import { parseEvidence, type EvidenceEvent, type SandboxFile } from './evidence.js';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './limits.js';
import { LOADERS, loaderForFormat, type LoaderId } from './loaders.js';
import { runSandboxed } from './run.js';
import { folderForSandbox } from './stage.js';
import { filterBytes } from './seccomp/filter.js';
import { hostFilterArch } from './seccomp/syscalls.js';
import { extractTemplate } from './template.js';
import { dynamicVerdict, LOADER_EXIT, type DynamicVerdict } from './verdict.js';
import { wrapperArgv } from './wrapper.js';

export const DETONATION_SCHEMA = 'modelguard.detonation/v1';

export interface DetonateOptions {
  /** Loader to use; by detected format when unset. */
  loader?: LoaderId;
  /** Isolation backend; the first installed one when unset. */
  backend?: BackendId;
  /** Python interpreter (default /usr/bin/python3, Debian's, with the loaders). */
  python?: string;
  limits?: Partial<SandboxLimits>;
  /** Detected format, when the caller already scanned the file. */
  format?: string;
}

export interface Detonation {
  schema: typeof DETONATION_SCHEMA;
  file: string;
  format: string;
  loader: LoaderId;
  call: string;
  backend: BackendId;
  verdict: DynamicVerdict;
  reason: string;
  /** Events that reached a sink, in order. */
  sinks: EvidenceEvent[];
  /** Everything recorded in the load phase (imports, globals resolved, sinks), capped. */
  events: EvidenceEvent[];
  outcome: { result: 'loaded' | 'load-error' | 'none'; detail?: string };
  sandbox: {
    exitCode: number | null;
    signal: string | null;
    timedOut: boolean;
    wallMs: number;
    monitor: 'verified' | 'missing' | 'forged';
    loaderExit?: number;
    loaderSignal?: number;
    files: SandboxFile[];
    malformedLines: number;
    evidenceTruncated: boolean;
  };
  stdout: string;
  stderr: string;
}

/** The scanner's idea of the format (a zip is refined to torch-zip, numpy-npz, ...). */
async function detectedFormat(path: string): Promise<string> {
  return (await scanFile(path)).format;
}

function pythonPlan(python: string): { python: string; extra: string[] } {
  if (!existsSync(python)) throw new SandboxError('E_LOADER_UNAVAILABLE', `Python interpreter ${python} not found`);
  const real = realpathSync(python);
  // Interpreters outside /usr (a venv, /opt) need their prefix visible inside.
  const extra = real.startsWith('/usr/') ? [] : [dirname(dirname(real))];
  return { python, extra };
}

export async function detonate(path: string, options: DetonateOptions = {}): Promise<Detonation> {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new SandboxError('E_IO', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (!st.isFile()) throw new SandboxError('E_USAGE', `${path} is not a regular file`);
  const format = options.format ?? (await detectedFormat(path));
  const loader = options.loader ?? loaderForFormat(format);
  if (loader === undefined) throw new SandboxError('E_UNSUPPORTED', `no loader for format '${format}'; pass --loader`);
  const spec = LOADERS[loader];
  const limits: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
  const { backend, tool } = chooseBackend(options.backend);
  const arch = hostFilterArch();
  if (backend.usesSeccompFd && arch === undefined) {
    throw new SandboxError('E_SANDBOX_UNAVAILABLE', `no seccomp filter for ${process.arch}; modelguard builds them for x86_64 and aarch64`);
  }
  const py = pythonPlan(options.python ?? '/usr/bin/python3');
  const stdio = backend.id === 'runsc';
  const name = basename(path).replace(/[^\w.-]/g, '_') || 'model';
  const config: Record<string, unknown> = { loader, name };
  if (loader === 'jinja-template') config['template'] = extractTemplate(path, format);
  if (stdio) Object.assign(config, { transport: 'stdio', modelPath: realpathSync(path) });
  // ONNX and Keras read companions by path: the folder is bound at /in (staged when uid 65534 cannot reach it).
  const staged = spec.needsFolder ? folderForSandbox(dirname(realpathSync(path))) : undefined;
  const plan: SandboxPlan = {
    python: py.python,
    extraReadOnly: py.extra,
    modelDir: staged?.dir,
    config: JSON.stringify(config),
    bootstrapSource: BOOTSTRAP_PY,
    limits,
  };
  const key = randomBytes(32).toString('hex');
  const modelFd = openSync(path, 'r');
  let raw;
  try {
    raw = await runSandboxed({
      argv: [...wrapperArgv(limits, backend.id), ...backend.command(tool, plan)],
      key: Buffer.from(key, 'latin1'),
      modelFd,
      seccomp: arch === undefined ? new Uint8Array(0) : filterBytes(arch),
      bootstrap: Buffer.from(BOOTSTRAP_PY),
      stdio,
      ...(backend.scriptOnStdin
        ? { script: Buffer.from(`import base64 as _b64\n_CONFIG = _b64.b64decode('${Buffer.from(plan.config).toString('base64')}').decode()\n${BOOTSTRAP_PY}`) }
        : {}),
      limits,
    });
  } finally {
    closeSync(modelFd);
    staged?.cleanup();
  }
  const ev = parseEvidence(raw.evidence, key, raw.evidenceTruncated);
  if (ev.outcome === 'unavailable') throw new SandboxError('E_LOADER_UNAVAILABLE', `the ${loader} loader needs ${spec.module}: ${ev.detail ?? ''}`);
  const silent = !ev.started && ev.events.length === 0 && ev.monitor.status === 'missing';
  if (silent && !raw.timedOut) {
    // Nothing from inside at all: the backend never got the interpreter going.
    throw new SandboxError(
      'E_SANDBOX_FAILED',
      `${backend.id} did not start the loader (exit ${String(raw.exitCode)}): ${raw.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  const { verdict, reason } = dynamicVerdict(ev, raw.timedOut);
  const rec = ev.monitor.record;
  return {
    schema: DETONATION_SCHEMA,
    file: path,
    format,
    loader,
    call: spec.call,
    backend: backend.id,
    verdict,
    reason,
    sinks: ev.sinks,
    events: ev.events,
    outcome: {
      result: ev.outcome === 'loaded' && rec?.exit !== LOADER_EXIT.loaded ? 'none' : ev.outcome,
      ...(ev.detail === undefined ? {} : { detail: ev.detail }),
    },
    sandbox: {
      exitCode: raw.exitCode,
      signal: raw.signal,
      timedOut: raw.timedOut,
      wallMs: raw.wallMs,
      monitor: ev.monitor.status,
      ...(rec?.exit === undefined ? {} : { loaderExit: rec.exit }),
      ...(rec?.signal === undefined ? {} : { loaderSignal: rec.signal }),
      files: rec?.files ?? [],
      malformedLines: ev.malformedLines,
      evidenceTruncated: ev.truncated,
    },
    stdout: raw.stdout,
    stderr: raw.stderr,
  };
}
