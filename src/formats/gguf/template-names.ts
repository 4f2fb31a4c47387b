/**
 * Which names in a Jinja template lead out of it, and how bad each is.
 *
 * The reference is jinja2's own sandbox (`jinja2/sandbox.py`,
 * `is_safe_attribute` / `is_internal_attribute`): an unsandboxed
 * `jinja2.Environment` (llama-cpp-python before 0.2.72, CVE-2024-34359)
 * resolves every attribute, and every known escape from it needs an
 * attribute the sandbox refuses: a dunder (`__class__`, `__globals__`,
 * `__init__`, ...), a private or name-mangled attribute
 * (`self._TemplateReference__context`), or an internal one (`mro`,
 * `gi_frame`, `f_globals`). Ordinary chat templates use none of them.
 */
import type { Severity } from '../../findings/finding.js';

export interface NameIssue {
  severity: Extract<Severity, 'malicious' | 'suspicious'>;
  why: string;
}

/** Attributes jinja2's sandbox treats as internal on functions, frames, code, generators and types. */
const INTERNAL_ATTRIBUTES = new Set([
  'mro',
  'func_globals',
  'func_code',
  'func_closure',
  'gi_frame',
  'gi_code',
  'gi_yieldfrom',
  'cr_frame',
  'cr_code',
  'cr_await',
  'ag_code',
  'ag_frame',
  'f_globals',
  'f_locals',
  'f_builtins',
  'f_back',
  'f_code',
  'tb_frame',
  'tb_next',
  'co_code',
]);

/** Attribute names that only matter once a template holds a module, a function's globals or builtins. */
const SINK_ATTRIBUTES = new Set([
  'os',
  'sys',
  'popen',
  'system',
  'spawnv',
  'spawnl',
  'execv',
  'execl',
  'eval',
  'exec',
  'import',
  'import_module',
  'load_module',
  'subprocess',
  'check_output',
  'check_call',
  'getoutput',
  'getstatusoutput',
  'builtins',
  'getattr',
  'setattr',
  'globals',
  'modules',
  'environ',
  'from_string',
]);

/**
 * Globals that hand a template a Python object with reachable internals:
 * jinja2's default globals (`cycler`, `joiner`, `lipsum`, `namespace`,
 * `range`, `dict`), the template reference `self`, and Flask's (`config`,
 * `request`, `url_for`, `get_flashed_messages`, `g`, `session`) that public
 * SSTI payloads start from. `namespace`, `range` and `dict` are legitimately
 * *called* by real chat templates; any other use of them is flagged.
 */
export const ESCAPE_GLOBALS = new Set([
  'self',
  'cycler',
  'joiner',
  'lipsum',
  'namespace',
  'range',
  'dict',
  'config',
  'request',
  'url_for',
  'get_flashed_messages',
  'session',
]);
/** Escape globals that real templates call (`namespace(found=false)`, `range(n)`, `dict(a=1)`). */
export const CALLABLE_GLOBALS = new Set(['namespace', 'range', 'dict']);

const DUNDER = /__[A-Za-z0-9_]*?__/;
const MANGLED = /^_[A-Za-z][A-Za-z0-9_]*__[A-Za-z0-9_]/;

/** How bad it is for a template to read attribute `name` of some object. */
export function classifyAttribute(name: string): NameIssue | undefined {
  if (name.startsWith('__') && name.endsWith('__') && name.length > 4) {
    return { severity: 'malicious', why: `dunder attribute ${name} (reaches Python internals)` };
  }
  if (MANGLED.test(name)) return { severity: 'malicious', why: `name-mangled private attribute ${name}` };
  if (name.startsWith('_')) return { severity: 'suspicious', why: `private attribute ${name}` };
  if (INTERNAL_ATTRIBUTES.has(name)) return { severity: 'malicious', why: `interpreter-internal attribute ${name}` };
  return undefined;
}

/**
 * Whether `name` is a code-execution sink (`os`, `popen`, `eval`, ...). Alone
 * it proves nothing (`ns.system` is a real template's namespace field); it
 * matters on a chain that already left the template.
 */
export function isSink(name: string): boolean {
  return SINK_ATTRIBUTES.has(name);
}

/**
 * How bad a string value is wherever it appears: a dunder name inside any
 * string (`'{0.__class__}'.format(x)`, `x|attr('__class__')`) is never needed
 * by a chat template.
 */
export function classifyString(value: string): NameIssue | undefined {
  const m = DUNDER.exec(value);
  if (m !== null && m[0].length > 4) return { severity: 'malicious', why: `string naming ${m[0]}` };
  return undefined;
}

/** Whether a string could be an attribute name worth checking (an identifier or a dotted path). */
export function attributeParts(value: string): string[] {
  return value.split('.').filter((p) => p.length > 0);
}
