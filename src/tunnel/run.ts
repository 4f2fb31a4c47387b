/**
 * `tunnel run`: starts one tunnel end and the training command beside it,
 * pointing the command's rendezvous at the tunnel's loopback side, and stops
 * the tunnel when the command exits (its exit status is returned).
 *
 * - master (`--serve ADDR:PORT`): the store master listens on loopback port
 *   `storePort` (torchrun's agent hosts it); remote nodes reach it through
 *   the TLS listener at ADDR:PORT.
 * - worker (`--connect HOST:PORT`): the tunnel listens on 127.0.0.1:storePort
 *   and carries connections to the master's TLS listener.
 * Either way the command sees MASTER_ADDR=127.0.0.1 and MASTER_PORT=storePort;
 * a torchrun command without its own --master_addr/--master_port/--rdzv_endpoint
 * gets them inserted.
 */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { ClusterError } from '../cluster/errors.js';

/** Arguments that already choose the rendezvous endpoint. */
const RDZV_FLAGS = /^--(master[_-]addr|master[_-]port|rdzv[_-]endpoint)(=|$)/;

export function isTorchrun(argv: readonly string[]): boolean {
  const [prog, a1, a2] = argv;
  if (prog === undefined) return false;
  if (basename(prog) === 'torchrun') return true;
  return /^python(3(\.\d+)?)?$/.test(basename(prog)) && a1 === '-m' && (a2 === 'torch.distributed.run' || a2 === 'torch.distributed.launch');
}

/** The command with the rendezvous pointed at 127.0.0.1:port when it is torchrun and does not choose one. */
export function withRendezvous(argv: readonly string[], port: number): string[] {
  if (!isTorchrun(argv) || argv.some((a) => RDZV_FLAGS.test(a))) return [...argv];
  const head = basename(argv[0] ?? '') === 'torchrun' ? 1 : 3;
  return [...argv.slice(0, head), '--master_addr=127.0.0.1', `--master_port=${port}`, ...argv.slice(head)];
}

export interface RunCommandOptions {
  argv: readonly string[];
  storePort: number;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Runs the command with the rendezvous environment; resolves with its exit status (128+signal when killed). */
export function runCommand(o: RunCommandOptions): Promise<number> {
  const [prog, ...args] = withRendezvous(o.argv, o.storePort);
  if (prog === undefined) throw new ClusterError('E_USAGE', 'tunnel run needs a command after --');
  return new Promise((resolve, reject) => {
    const child = spawn(prog, args, {
      cwd: o.cwd,
      env: { ...o.env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(o.storePort) },
      stdio: 'inherit',
    });
    const forward = (sig: NodeJS.Signals): void => {
      child.kill(sig);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('error', (e) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      reject(new ClusterError('E_IO', `cannot start ${prog}: ${e.message}`, { cause: e }));
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? 128 + (signal === null ? 0 : signalNumber(signal)));
    });
  });
}

function signalNumber(s: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return table[s] ?? 0;
}
