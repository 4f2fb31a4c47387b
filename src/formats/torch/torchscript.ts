/**
 * TorchScript archives (`torch.jit.save`): a zip with `code/` (Python-subset
 * source compiled on load), `data.pkl`/`constants.pkl` and debug pickles.
 * An archive always carries code, which torch.jit.load compiles and runs
 * (a module's `__setstate__` runs during the load itself), so it is its own
 * finding. torch.load on such a file hands it to torch.jit.load: the
 * CVE-2025-32434 path around weights_only=True (fixed in torch 2.6).
 */
import type { ByteSource } from '../../bytes/source.js';
import { utf8Strict } from '../../bytes/text.js';
import type { ZipArchive } from '../../containers/zip/archive.js';
import type { ScanContext } from '../context.js';
import { defineRules, type RuleInfo } from '../../findings/rules.js';
import type { ZipFlavour } from '../zip/flavour.js';
import { openMember } from '../zip/members.js';
import { isPyReadError } from '../../python/errors.js';
import { analyzeTorchScript, isStandardOp } from './torchscript-code.js';
import { archiveFolder, checkStorages, scanTorchPickles } from './zip-checkpoint.js';

const CVE = 'https://github.com/pytorch/pytorch/security/advisories/GHSA-53q9-r3pm-6pq6';

export const TORCHSCRIPT_RULES = {
  code: {
    id: 'torchscript/code',
    title: 'TorchScript archive carries code',
    severity: 'suspicious',
    help: "torch.jit.load compiles and runs the archive's code (including __setstate__ during the load). torch.load on this file takes the same path, even with weights_only=True before torch 2.6 (CVE-2025-32434). modelguard parses every code file (never runs it): when every call is an operator of torch's standard namespaces and nothing touches files, processes or Python, the finding is information only; otherwise the archive is suspicious (or malicious, torchscript/dangerous-call). The operators it calls are listed.",
    references: [CVE],
  },
  dangerous: {
    id: 'torchscript/dangerous-call',
    title: 'TorchScript code touches files, processes or native code',
    severity: 'malicious',
    help: 'The code calls an operator that reads or writes files (torch.from_file, torch.load/save), a Python builtin, or an operator namespace outside aten/prim/quantized (a custom native library).',
    references: [CVE],
  },
} as const satisfies Record<string, RuleInfo>;
defineRules(Object.values(TORCHSCRIPT_RULES));

/**
 * A code file as torch.jit.load finds it: `<archive>/code/<qualified path>.py`, looked up through miniz, which
 * compares names case-insensitively, so `CODE/x.PY` is compiled as well.
 */
const CODE_FILE = /^[^/]+\/code\/.+\.py$/i;

/** Source bytes read per code file (TorchScript code files are small). */
const MAX_CODE_BYTES = 16 * 1024 * 1024;

export const torchscriptFlavour: ZipFlavour = {
  id: 'torchscript',
  title: 'TorchScript archive',
  claims(zip: ZipArchive): boolean {
    return zip.entries.some((e) => CODE_FILE.test(e.name)) || zip.entries.some((e) => /^[^/]+\/constants\.pkl$/i.test(e.name));
  },
  scan(zip: ZipArchive, src: ByteSource, ctx: ScanContext): Promise<void> {
    const archive = archiveFolder(zip) ?? '';
    // torch.jit.load also unpickles the debug pickles (source ranges) next to each code file.
    const refs = scanTorchPickles(zip, src, ctx, 'torchscript', ['data.pkl', 'constants.pkl'], (n) => n.endsWith('.debug_pkl'));
    checkStorages(zip, archive, refs, ctx);
    const ops = new Set<string>();
    const policy = ctx.policyFor('torchscript');
    let files = 0;
    // Vouched for when every code file was read, nothing in it is dangerous or doubtful, and every call is a standard operator.
    let vouched = true;
    for (const e of zip.entries) {
      if (!/\/code\/.+\.py$/i.test(e.name)) continue;
      const mctx = ctx.child(e.name);
      vouched &&= e.uncompressedSize <= MAX_CODE_BYTES;
      if (e.uncompressedSize > MAX_CODE_BYTES) {
        mctx.report({ rule: 'engine/limit', severity: 'unscannable', message: `code file of ${e.uncompressedSize} bytes not analysed` });
        continue;
      }
      const data = openMember(src, e, mctx, true);
      if (data === undefined) {
        vouched = false;
        continue;
      }
      files++;
      let text: string;
      try {
        text = utf8Strict(data.read(0, data.size), e.name);
      } catch {
        vouched = false;
        mctx.report({ rule: 'engine/malformed', severity: 'suspicious', message: `${e.name} is not UTF-8 source` });
        continue;
      }
      let a: ReturnType<typeof analyzeTorchScript>;
      try {
        a = analyzeTorchScript(text, policy);
      } catch (err) {
        if (!isPyReadError(err)) throw err;
        vouched = false;
        mctx.report({ rule: 'engine/malformed', severity: 'suspicious', message: `${e.name} is not TorchScript source this reader accepts: ${err.message}` });
        continue;
      }
      for (const op of a.ops) ops.add(op);
      if (a.dangerous.length > 0 || a.doubts.length > 0 || [...a.ops].some((op) => !isStandardOp(op))) vouched = false;
      for (const d of a.doubts) mctx.report({ rule: TORCHSCRIPT_RULES.code.id, severity: 'suspicious', message: d });
      for (const d of a.dangerous) {
        mctx.report({
          rule: TORCHSCRIPT_RULES.dangerous.id,
          severity: 'malicious',
          message: `line ${d.line}: ${d.op}: ${d.why}`,
          call: d.op,
        });
      }
    }
    const list = [...ops].sort();
    const shown = `${list.slice(0, 40).join(', ')}${list.length > 40 ? ', …' : ''}`;
    ctx.report(
      vouched && files > 0
        ? {
            rule: TORCHSCRIPT_RULES.code.id,
            severity: 'info',
            message: `TorchScript code (${files} files) read and judged: every call is a standard operator (${list.length}: ${shown}); nothing reaches files, processes, Python or native code outside torch`,
          }
        : {
            rule: TORCHSCRIPT_RULES.code.id,
            severity: 'suspicious',
            message: `TorchScript code (${files} files) runs when torch.jit.load or torch.load opens this file (CVE-2025-32434 for weights_only before torch 2.6); it calls ${list.length} operators: ${shown}`,
          },
    );
    ctx.info('torchscript.operators', list);
    return Promise.resolve();
  },
};
