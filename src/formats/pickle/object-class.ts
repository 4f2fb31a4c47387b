/**
 * The class of an object the stream built, when it can be told: what
 * `getattr(obj, name)` finds a method on, and whose slots a BUILD on the
 * object fills. NEWOBJ names the class; a call names it when the callee is a
 * class (CapWords by PEP 8, or one of the lowercase built-in and library
 * classes pickles call); allowlist effects can name a result class
 * (`copyreg._reconstructor`, `numpy.core.multiarray._reconstruct`).
 */
import { isClassName } from '../../python-globals/names.js';
import { PyGlobal, type PyObject } from './values.js';

/** Lowercase names that are classes (pickles call them), so an object they return is an instance of them. */
const LOWERCASE_CLASSES: ReadonlySet<string> = new Set([
  ...['dict', 'list', 'set', 'frozenset', 'tuple', 'bytes', 'bytearray', 'str', 'int', 'float', 'complex', 'object', 'range', 'slice'].map(
    (n) => `builtins.${n}`,
  ),
  'collections.defaultdict',
  'collections.deque',
  'functools.partial',
  'numpy.ndarray',
  'numpy.dtype',
  'datetime.datetime',
  'datetime.date',
  'datetime.time',
  'datetime.timedelta',
  'datetime.timezone',
  'time.struct_time',
]);

export function classOf(obj: PyObject): PyGlobal | undefined {
  const forced = obj.dunders.get('__class__');
  if (forced !== undefined) return forced instanceof PyGlobal ? forced : undefined;
  const owner = obj.owner;
  if (owner === undefined) return undefined;
  if (obj.origin === 'new' || owner !== obj.callee) return owner; // NEWOBJ, or a result class from the allowlist's effects
  const last = owner.name.split('.').pop() ?? '';
  return isClassName(last) || LOWERCASE_CLASSES.has(owner.full) ? owner : undefined;
}
