/** Shared test helpers: repository paths and fixture manifests. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../src/cli/command.js';
import type { Finding } from '../src/findings/finding.js';

/** Repository root (tests run from build/test/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function fixture(...parts: string[]): string {
  return join(ROOT, 'test', 'fixtures', ...parts);
}

export interface Expectation {
  verdict: string;
  rules: string[];
  globals: string[];
}

export function expectations(dir: string): Record<string, Expectation> {
  return JSON.parse(readFileSync(fixture(dir, 'expected.json'), 'utf8')) as Record<string, Expectation>;
}

export function rules(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((f) => f.rule))].sort();
}

/** An in-memory CliIO capturing output. */
export function memoryIO(env: NodeJS.ProcessEnv = {}): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    ({
      write(chunk: string | Uint8Array): boolean {
        append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
        return true;
      },
      isTTY: false,
    }) as unknown as NodeJS.WritableStream & { isTTY?: boolean };
  return {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    stdin: process.stdin,
    env,
    cwd: ROOT,
    out: () => out,
    err: () => err,
  };
}
