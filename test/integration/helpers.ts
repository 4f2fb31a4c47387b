/** Shared helpers for the integration tests: a CLI run in a chosen working directory, temp trees. */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/dispatch.js';
import { fixture, memoryIO } from '../helpers.js';

export const CLEAN = fixture('torch', 'clean__state-dict-zip.pt');
export const BAD = fixture('pickle', 'malicious__os-system-protocol2.pkl');
export const PLAIN = fixture('pickle', 'clean__plain-data-protocol2.pkl');

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function cliIn(cwd: string, args: string[], stdin?: Uint8Array, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const io = memoryIO(env);
  io.cwd = cwd;
  if (stdin !== undefined) io.stdin = Readable.from([Buffer.from(stdin)]);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

export function tempDir(prefix = 'mg-int-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Copies fixtures into a temp tree: `{ 'models/a.pt': CLEAN }`. */
export function tree(files: Record<string, string>): string {
  const root = tempDir();
  for (const [rel, from] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    copyFileSync(from, join(root, rel));
  }
  return root;
}

export interface SarifLog {
  runs: {
    originalUriBaseIds?: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      partialFingerprints: Record<string, string>;
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
    }[];
  }[];
}

export function sarifUris(text: string): string[] {
  const s = JSON.parse(text) as SarifLog;
  return (s.runs[0]?.results ?? []).map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri ?? '');
}
