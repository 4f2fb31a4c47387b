/** `modelguard digest MODEL`: the root digest a signature would commit to. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { relativeIgnore } from '../../sign/ignore.js';
import { rootDigest } from '../../sign/manifest/manifest.js';
import { hashModel } from '../../sign/manifest/serialize.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { HASH_HELP, hashOptions, signExit } from './signing-common.js';

const HELP = `Usage: modelguard digest [options] MODEL

Serializes a model folder (or single file) as OpenSSF Model Signing does and
prints its root digest: SHA-256 over the per-file digests in canonical order,
the subject of a model signature. Git files are ignored by default.

Options:
${HASH_HELP}
  --json                         print the whole manifest as JSON
`;

export const digestCommand: Command = {
  name: 'digest',
  summary: 'print the OpenSSF Model Signing root digest of a model',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values: v, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...hashOptions(), hash: { type: 'string', default: 'sha256' }, 'shard-size': { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1) {
      io.stderr.write(`modelguard digest: expected one MODEL path\n\n${HELP}`);
      return EXIT_USAGE;
    }
    const model = resolve(io.cwd, positionals[0] as string);
    if (v.hash !== 'sha256' && v.hash !== 'blake2') {
      io.stderr.write('modelguard digest: --hash must be sha256 or blake2\n');
      return EXIT_USAGE;
    }
    try {
      const m = await hashModel(model, {
        hash: v.hash,
        ignorePaths: relativeIgnore(model, v['ignore-paths'], io.cwd),
        ignoreGitPaths: !v['no-ignore-git-paths'],
        allowSymlinks: v['allow-symlinks'],
        ...(v['shard-size'] === undefined ? {} : { shardSize: Number(v['shard-size']) }),
      });
      io.stdout.write(v.json ? `${JSON.stringify({ root: `sha256:${rootDigest(m.resources)}`, ...m }, null, 2)}\n` : `sha256:${rootDigest(m.resources)}\n`);
      return EXIT_OK;
    } catch (e) {
      return signExit(e, io, 'digest');
    }
  },
};
