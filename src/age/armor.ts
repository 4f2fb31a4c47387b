/**
 * ASCII armor: strict PEM (RFC 7468 section 3) with the label
 * "AGE ENCRYPTED FILE", padded canonical base64, 64 columns.
 *
 * The decoder is a push machine working line by line in constant memory.
 * It accepts LF or CRLF line ends and whitespace before BEGIN and after END,
 * and rejects everything else with `E_AGE_ARMOR`: headers, short or long
 * lines, an empty last line, whitespace inside lines, missing or
 * non-canonical padding, bytes after the END line.
 */
import { fail } from './errors.js';

export const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
export const ARMOR_END = '-----END AGE ENCRYPTED FILE-----';
const COLUMNS = 64;
/** Longest line the decoder buffers: a data line or a BEGIN/END line plus CR. */
const MAX_LINE = COLUMNS + 2;
const PADDED_B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Format detection: binary age files start with `age-encryption.org/`, so
 * anything whose first byte is not `a` goes to the (strict) armor decoder,
 * which reports garbage as `E_AGE_ARMOR`.
 */
export function looksArmored(head: Uint8Array): boolean {
  return head.length > 0 && head[0] !== 0x61;
}

type State = 'before' | 'body' | 'after';

export class ArmorDecoder {
  private state: State = 'before';
  private line = '';
  /** Set once a data line shorter than 64 columns (or padded) was seen: END must follow. */
  private sawLast = false;
  private lines = 0;

  push(data: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const c of data) {
      if (this.state === 'before' && this.line === '' && isSpace(c)) continue;
      if (this.state === 'after') {
        if (!isSpace(c)) throw fail('E_AGE_ARMOR', 'data after the END line');
        continue;
      }
      if (c === 0x0a) {
        const d = this.onLine(this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line);
        if (d !== undefined) out.push(d);
        this.line = '';
        continue;
      }
      if (this.line.length >= MAX_LINE) throw fail('E_AGE_ARMOR', 'armor line too long');
      this.line += String.fromCharCode(c);
    }
    return out;
  }

  end(): Uint8Array[] {
    if (this.state === 'body' && this.line !== '') {
      // The END line may lack a final newline.
      const d = this.onLine(this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line);
      this.line = '';
      if (d !== undefined) return [d];
    }
    if (this.state === 'before') throw fail('E_AGE_ARMOR', 'no armor BEGIN line');
    if (this.state === 'body') throw fail('E_AGE_ARMOR', 'armor has no END line');
    return [];
  }

  private onLine(line: string): Uint8Array | undefined {
    if (this.state === 'before') {
      if (line !== ARMOR_BEGIN) throw fail('E_AGE_ARMOR', 'bad armor BEGIN line');
      this.state = 'body';
      return undefined;
    }
    if (line === ARMOR_END) {
      this.state = 'after';
      return undefined;
    }
    if (this.sawLast) throw fail('E_AGE_ARMOR', 'armor data after the final (short) line');
    this.lines++;
    if (line.length === 0 || line.length > COLUMNS) throw fail('E_AGE_ARMOR', `armor line ${this.lines} has ${line.length} columns`);
    if (!PADDED_B64.test(line)) throw fail('E_AGE_ARMOR', `invalid character in armor line ${this.lines}`);
    if (line.length < COLUMNS || line.endsWith('=')) this.sawLast = true;
    if (line.length % 4 !== 0) throw fail('E_AGE_ARMOR', 'armor base64 is not padded');
    const bytes = Buffer.from(line, 'base64');
    if (bytes.toString('base64') !== line) throw fail('E_AGE_ARMOR', 'armor base64 is not canonical');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}

/** Streaming armor encoder. */
export class ArmorEncoder {
  private pending = Buffer.alloc(0);
  private started = false;

  push(data: Uint8Array): string {
    let out = this.started ? '' : `${ARMOR_BEGIN}\n`;
    this.started = true;
    const buf = this.pending.length === 0 ? Buffer.from(data) : Buffer.concat([this.pending, data]);
    const whole = buf.length - (buf.length % 48);
    for (let i = 0; i < whole; i += 48) out += `${buf.subarray(i, i + 48).toString('base64')}\n`;
    this.pending = Buffer.from(buf.subarray(whole));
    return out;
  }

  end(): string {
    let out = this.push(new Uint8Array(0));
    if (this.pending.length > 0) out += `${this.pending.toString('base64')}\n`;
    this.pending = Buffer.alloc(0);
    return `${out}${ARMOR_END}\n`;
  }
}
