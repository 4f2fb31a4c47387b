/**
 * Universal Binary JSON (ubjson.org, draft 12), as XGBoost writes `.ubj`
 * models: typed values, length-prefixed keys, and optimized typed arrays
 * (`[$d#L<count>` then raw floats). Walked to its end within bounds,
 * without building the values.
 */
import type { WindowCursor } from '../../bytes/window.js';
import { ModelguardError } from '../../errors.js';

/** Nesting of objects and arrays (CWE-674). */
const MAX_DEPTH = 64;
/** Values walked (CWE-400). */
const MAX_VALUES = 1 << 30;

const FIXED: Record<string, number> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8, C: 1, Z: 0, T: 0, F: 0, N: 0 };

export class UbjsonWalk {
  values = 0;
  private readonly c: WindowCursor;
  constructor(c: WindowCursor) {
    this.c = c;
    c.littleEndian = false;
  }

  private count(type: string, what: string): number {
    const at = this.c.pos;
    let n: number;
    if (type === 'i') n = (this.c.u8(what) << 24) >> 24;
    else if (type === 'U') n = this.c.u8(what);
    else if (type === 'I') n = (this.c.u16(what) << 16) >> 16;
    else if (type === 'l') n = this.c.i32(what);
    else if (type === 'L') {
      const v = this.c.i64(what);
      n = v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
    } else throw new ModelguardError('E_MALFORMED', `UBJSON ${what} of type '${type}' is not an integer`, { offset: at });
    if (n < 0) throw new ModelguardError('E_MALFORMED', `UBJSON ${what} ${n} at offset ${at}`, { offset: at });
    return n;
  }

  private marker(what: string): string {
    return String.fromCharCode(this.c.u8(what));
  }

  /** A key (object member name): a length then UTF-8 bytes; returns it when short. */
  key(): string {
    const n = this.count(this.marker('key length type'), 'key length');
    const b = this.c.bytes(n, 'key');
    return n <= 64 ? new TextDecoder().decode(b) : '';
  }

  /** Walks one value whose type marker is `t` (read already). */
  value(t: string, depth: number): void {
    if (++this.values > MAX_VALUES) throw new ModelguardError('E_LIMIT', `more than ${MAX_VALUES} UBJSON values`, { offset: this.c.pos });
    const fixed = FIXED[t];
    if (fixed !== undefined) {
      this.c.skip(fixed, 'scalar');
      return;
    }
    if (t === 'S' || t === 'H') {
      this.c.skip(this.count(this.marker('string length type'), 'string length'), 'string');
      return;
    }
    if (t !== '[' && t !== '{') throw new ModelguardError('E_MALFORMED', `'${t}' at offset ${this.c.pos - 1} is not a UBJSON type`, { offset: this.c.pos - 1 });
    if (depth >= MAX_DEPTH) throw new ModelguardError('E_LIMIT', `UBJSON nested deeper than ${MAX_DEPTH}`, { offset: this.c.pos });
    const object = t === '{';
    let m = this.marker('container');
    let type: string | undefined;
    if (m === '$') {
      type = this.marker('element type');
      m = this.marker('count marker');
      if (m !== '#') throw new ModelguardError('E_MALFORMED', 'a typed UBJSON container without a count', { offset: this.c.pos - 1 });
    }
    if (m === '#') {
      const n = this.count(this.marker('count type'), 'count');
      const size = type === undefined ? undefined : FIXED[type];
      if (!object && size !== undefined) {
        // Typed arrays of fixed-size scalars (XGBoost's weights): skipped in one step.
        this.c.skip(n * size, 'typed array');
        this.values += n;
        return;
      }
      for (let i = 0; i < n; i++) {
        if (object) this.key();
        this.value(type ?? this.marker('value type'), depth + 1);
      }
      return;
    }
    const end = object ? '}' : ']';
    while (m !== end) {
      if (object) {
        // The marker read was the key's length type.
        this.c.seek(this.c.pos - 1);
        this.key();
        m = this.marker('value type');
      }
      this.value(m, depth + 1);
      m = this.marker('next');
    }
  }
}
