#!/usr/bin/env node
/**
 * A registry worker process for bench/registry.mjs: pipeline workers and no
 * HTTP, on the PostgreSQL database (and the blob store) the web process
 * uses. Reads its configuration as JSON from argv[2]; prints `ready` once
 * its workers run; stops on SIGTERM (SIGKILL is what the benchmark sends to
 * test a worker that dies mid-job).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { createRegistry } = await import(join(root, 'dist/server/index.js'));
const config = JSON.parse(process.argv[2]);
const registry = await createRegistry({ ...config, http: false });
process.stdout.write('ready\n');
// The benchmark holds our stdin: when it dies, so do we (no orphan taking jobs of a later run).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => {
  void registry.close().then(() => process.exit(0));
});
