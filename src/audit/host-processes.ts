/**
 * Training and serving processes running as root (effective uid 0), read
 * from /proc. A process counts as ML work by its command line: a known
 * launcher or server, or Python running a train/serve/infer script or
 * module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { finding, type HostFinding } from './host-finding.js';
import { HOST_RULES } from './host-rules.js';

const LAUNCHERS = new Set([
  'torchrun',
  'torchserve',
  'tritonserver',
  'text-generation-launcher',
  'text-generation-server',
  'vllm',
  'ollama',
  'llama-server',
  'deepspeed',
  'accelerate',
  'mxnet',
  'ray',
  'tensorboard',
  'mlflow',
  'bentoml',
  'kserve',
]);
const PYTHON = /^python[\d.]*$/;
const ML_SCRIPT = /(^|[/_-])(train|training|finetune|fine_tune|pretrain|serve|server|serving|inference|infer|predict)[\w-]*\.py$/;
const ML_MODULE = /^(torch\.distributed\.(run|launch)|vllm\.entrypoints|deepspeed|accelerate|transformers|mxnet|text_generation_server|ray|torchserve)/;

/** Whether a command line looks like ML training or serving; returns what matched. */
export function mlCommand(argv: readonly string[]): string | undefined {
  const exe = basename(argv[0] ?? '');
  if (LAUNCHERS.has(exe)) return exe;
  if (!PYTHON.test(exe)) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-m') {
      const mod = argv[i + 1] ?? '';
      return ML_MODULE.test(mod) ? `python -m ${mod}` : undefined;
    }
    if (a === '-c') return undefined;
    if (a.startsWith('-')) continue;
    return ML_SCRIPT.test(a) || LAUNCHERS.has(basename(a)) ? basename(a) : undefined;
  }
  return undefined;
}

export function auditProcesses(proc = '/proc', self = process.pid): { findings: HostFinding[]; seen: number } {
  const findings: HostFinding[] = [];
  let seen = 0;
  let names: string[];
  try {
    names = readdirSync(proc);
  } catch {
    return { findings, seen };
  }
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === self) continue;
    let status: string;
    let argv: string[];
    try {
      status = readFileSync(`${proc}/${name}/status`, 'latin1');
      argv = readFileSync(`${proc}/${name}/cmdline`, 'latin1')
        .split('\0')
        .filter((a) => a !== '');
    } catch {
      continue;
    }
    seen++;
    const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
    if (uids === null || uids[2] !== '0') continue;
    const what = mlCommand(argv);
    if (what === undefined) continue;
    findings.push(finding(HOST_RULES.mlProcessRoot, `pid ${name}`, `${what} runs as root: ${argv.join(' ').slice(0, 200)}`));
  }
  return { findings, seen };
}
