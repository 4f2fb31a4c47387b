/**
 * The Python modules an `auto_map` points at, read with the Python analyser
 * (`src/python/`): what each imports and calls, and whether any name it
 * reaches gets to a sink of the policy's tables (process, eval, import by
 * name, deserialiser, file write, network). trust_remote_code imports the
 * module, so every name anywhere in it counts.
 */
import { readFileSync, statSync } from 'node:fs';
import { analyseModule, type CodeFinding } from '../../python/analyse.js';
import { isPyReadError } from '../../python/errors.js';
import { parseModule } from '../../python/parser.js';
import { Policy } from '../../python-globals/policy.js';
import { getProfile } from '../../python-globals/profiles.js';

/** Bytes of one remote-code module read (modeling files are tens of KiB; CWE-400). */
const MAX_MODULE_BYTES = 4 * 1024 * 1024;
/** Names listed per module in a message. */
const MAX_LISTED = 12;

export interface RemoteModule {
  file: string;
  /** One line: what the module imports and calls, or why it could not be read. */
  summary: string;
  /** Sinks it reaches (malicious), or why it is unreadable (suspicious). */
  findings: CodeFinding[];
}

let policy: Policy | undefined;

export function analyseRemoteModule(path: string, file: string): RemoteModule {
  policy ??= new Policy(getProfile('default'));
  try {
    const size = statSync(path).size;
    if (size > MAX_MODULE_BYTES) return unreadable(file, `${size} bytes, over the ${MAX_MODULE_BYTES}-byte limit`);
    const src = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
    const a = analyseModule(parseModule(src), { policy, strict: false });
    const list = (xs: Iterable<string>): string => {
      const all = [...xs].sort();
      return all.length === 0 ? 'nothing' : `${all.slice(0, MAX_LISTED).join(', ')}${all.length > MAX_LISTED ? ', …' : ''}`;
    };
    const summary = `${file} imports ${list(a.imports)}; calls ${list(a.calls.keys())}${a.unknown.size > 0 ? `; names the tables do not know: ${list(a.unknown.keys())}` : ''}`;
    return { file, summary, findings: a.findings.filter((f) => f.severity === 'malicious').sort((x, y) => x.line - y.line) };
  } catch (e) {
    if (isPyReadError(e)) return unreadable(file, e.message);
    if (e instanceof TypeError) return unreadable(file, 'not UTF-8 text');
    if (e instanceof Error && 'code' in e) return unreadable(file, e.message); // file system errors
    throw e;
  }
}

function unreadable(file: string, why: string): RemoteModule {
  return {
    file,
    summary: `${file} could not be read as Python: ${why}`,
    findings: [{ severity: 'suspicious', line: 0, call: file, why: `not analysed: ${why}` }],
  };
}
