/** Runs test/tunnel/torch_store.py with Debian's interpreter (python3-torch). */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

export const PYTHON = '/usr/bin/python3';
export const STORE_SCRIPT = join(ROOT, 'test', 'tunnel', 'torch_store.py');

export interface Py {
  child: ChildProcess;
  /** Resolves with the next stdout line. */
  line(): Promise<string>;
  /** Resolves with all remaining stdout when the process exits, and its status. */
  exit(): Promise<{ code: number | null; out: string; err: string }>;
}

export function py(...args: string[]): Py {
  const child = spawn(PYTHON, [STORE_SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  let buf = '';
  let err = '';
  const waiting: ((l: string) => void)[] = [];
  const lines: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting.shift();
      if (w !== undefined) w(l);
      else lines.push(l);
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (c) => {
      r(c);
    }),
  );
  return {
    child,
    line: () => {
      const l = lines.shift();
      if (l !== undefined) return Promise.resolve(l);
      return new Promise((resolve, reject) => {
        waiting.push(resolve);
        void exited.then(() => {
          reject(new Error(`python exited before printing a line: ${err.slice(-2000)}`));
        });
      });
    },
    exit: async () => {
      const code = await exited;
      return { code, out: [...lines, buf].join('\n'), err };
    },
  };
}

/** A TCPStore master on a free port; `stop()` ends it. */
export async function storeMaster(): Promise<{ port: number; stop(): Promise<void> }> {
  const m = py('master');
  const { port } = JSON.parse(await m.line()) as { port: number };
  return {
    port,
    stop: async () => {
      m.child.stdin?.end();
      await m.exit();
    },
  };
}
