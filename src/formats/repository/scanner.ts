/** Repository and cache internals: git's binary files and loose objects, LFS pointers, .DS_Store; and empty files. */
import type { ByteSource } from '../../bytes/source.js';
import { defineRules } from '../../findings/rules.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { inertFormat } from '../inert.js';
import { gitFiles, gitLooseObject } from './git.js';
import { dsStore, lfsPointer } from './markers.js';

export const repositoryFormat = inertFormat({
  id: 'repository',
  title: 'repository internals',
  kind: 'repository-internal',
  // LFS pointers are text too; the pointer reading says more.
  covers: ['text'],
  rule: {
    id: 'repository/internal',
    title: 'Repository bookkeeping',
    severity: 'info',
    help: 'A git packfile, pack index, index, commit graph or loose object (checksum or size verified), a git LFS pointer or a .DS_Store file. Version control and file managers read these; no ML loader does, and checked-out files are scanned in their own right.',
    references: ['https://git-scm.com/docs/gitformat-pack', 'https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md'],
  },
  members: [...gitFiles, gitLooseObject, lfsPointer, dsStore],
});

const EMPTY_RULE = {
  id: 'engine/empty-file',
  title: 'Empty file',
  severity: 'info',
  help: 'A file of zero bytes: pickle.load, torch.load and every other loader fail on it before reading anything, so nothing can run. Many are markers by design (Hugging Face cache .lock files and .no_exist entries, .gitkeep, an empty __init__.py or py.typed); under any other name the message says so, since a model file cut to nothing is worth a look, though not a risk.',
} as const;
defineRules([EMPTY_RULE]);

/**
 * Names of empty files that are markers by design. The name only explains
 * why the file is empty; the verdict rests on there being no bytes.
 */
const MARKER = /(^|\/)(\.no_exist\/.+|[^/]+\.lock|\.gitkeep|\.keep|__init__\.py|py\.typed)$/;

export const emptyFormat: FormatScanner = {
  id: 'empty',
  title: 'empty file',
  kind: 'empty',
  fallback: true,
  sniff: (p: Probe) => p.size === 0,
  scan(_src: ByteSource, ctx: ScanContext): Promise<void> {
    const name = ctx.location.file.replaceAll('\\', '/');
    const marker = ctx.location.member === undefined && MARKER.test(name);
    ctx.report({
      rule: EMPTY_RULE.id,
      severity: 'info',
      message: marker
        ? 'empty marker file: no loader reads anything from it'
        : 'empty file (no marker name: a file cut to nothing?); no loader reads anything from it',
    });
    return Promise.resolve();
  },
};
