/**
 * A minimal Redis client: RESP2 over one TCP connection, commands pipelined
 * in order. The gateway needs four commands (EVALSHA, EVAL, GET, AUTH), so a
 * hundred-odd lines here replace a client library and its dependencies.
 * Replies are parsed incrementally with bounds on bulk size, array length
 * and nesting (a hostile or broken server cannot exhaust memory). Any
 * error, time-out or close fails every pending command with `E_STORE` and
 * drops the connection; the next command reconnects.
 */
import { connect, type Socket } from 'node:net';
import { GatewayError } from '../errors.js';

export type RespValue = string | number | null | RespValue[] | RespError;

export class RespError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

const MAX_BULK = 512 * 1024;
const MAX_ARRAY = 1024;
const MAX_DEPTH = 4;
const MAX_BUFFER = 2 * 1024 * 1024;

const INCOMPLETE = Symbol('incomplete');

/** Parses one reply at `at`; returns it and where it ends, or INCOMPLETE. Throws on a protocol violation. */
export function parseReply(buf: Buffer, at: number, depth = 0): { value: RespValue; end: number } | typeof INCOMPLETE {
  if (at >= buf.length) return INCOMPLETE;
  const eol = buf.indexOf('\r\n', at);
  if (eol === -1) {
    if (buf.length - at > 64 * 1024) throw new Error('reply line too long');
    return INCOMPLETE;
  }
  const line = buf.toString('latin1', at + 1, eol);
  const next = eol + 2;
  switch (buf[at]) {
    case 0x2b: // +
      return { value: line, end: next };
    case 0x2d: // -
      return { value: new RespError(line), end: next };
    case 0x3a: {
      // :
      const n = Number(line);
      if (!/^-?\d{1,19}$/.test(line) || !Number.isSafeInteger(n)) throw new Error('bad integer reply');
      return { value: n, end: next };
    }
    case 0x24: {
      // $
      const len = Number(line);
      if (len === -1) return { value: null, end: next };
      if (!/^\d{1,9}$/.test(line) || len > MAX_BULK) throw new Error('bulk reply too large');
      if (buf.length < next + len + 2) return INCOMPLETE;
      return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
    }
    case 0x2a: {
      // *
      const count = Number(line);
      if (count === -1) return { value: null, end: next };
      if (!/^\d{1,9}$/.test(line) || count > MAX_ARRAY) throw new Error('array reply too long');
      if (depth >= MAX_DEPTH) throw new Error('reply nested too deep');
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        const r = parseReply(buf, pos, depth + 1);
        if (r === INCOMPLETE) return INCOMPLETE;
        items.push(r.value);
        pos = r.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`unknown reply type 0x${(buf[at] ?? 0).toString(16)}`);
  }
}

export function encodeCommand(args: readonly (string | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.from(String(a), 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

interface Pending {
  resolve(v: RespValue): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export interface RespOptions {
  readonly host: string;
  readonly port: number;
  readonly password: string | undefined;
  readonly timeoutMs: number;
}

export class RespClient {
  readonly #options: RespOptions;
  #socket: Socket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  readonly #pending: Pending[] = [];
  #closed = false;

  constructor(options: RespOptions) {
    this.#options = options;
  }

  command(args: readonly (string | number)[]): Promise<RespValue> {
    if (this.#closed) return Promise.reject(new GatewayError('E_STORE', 'redis client closed'));
    const socket = this.#socket ?? this.#connect();
    return this.#send(socket, args);
  }

  #send(socket: Socket, args: readonly (string | number)[]): Promise<RespValue> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(new GatewayError('E_STORE', `redis did not answer within ${this.#options.timeoutMs} ms`));
      }, this.#options.timeoutMs);
      this.#pending.push({ resolve, reject, timer });
      socket.write(encodeCommand(args));
    });
  }

  #connect(): Socket {
    const socket = connect({ host: this.#options.host, port: this.#options.port });
    socket.setNoDelay(true);
    this.#socket = socket;
    this.#buffer = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      this.#onData(d);
    });
    socket.on('error', (e) => {
      this.#fail(new GatewayError('E_STORE', `redis: ${e.message}`, { cause: e }));
    });
    socket.on('close', () => {
      this.#fail(new GatewayError('E_STORE', 'redis connection closed'));
    });
    if (this.#options.password !== undefined) {
      this.#send(socket, ['AUTH', this.#options.password]).catch(() => undefined);
    }
    return socket;
  }

  #onData(d: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? d : Buffer.concat([this.#buffer, d]);
    if (this.#buffer.length > MAX_BUFFER) {
      this.#fail(new GatewayError('E_STORE', 'redis reply too large'));
      return;
    }
    let at = 0;
    for (;;) {
      let r: ReturnType<typeof parseReply>;
      try {
        r = parseReply(this.#buffer, at);
      } catch (e) {
        this.#fail(new GatewayError('E_STORE', `redis protocol error: ${e instanceof Error ? e.message : String(e)}`));
        return;
      }
      if (r === INCOMPLETE) break;
      at = r.end;
      const p = this.#pending.shift();
      if (p === undefined) {
        this.#fail(new GatewayError('E_STORE', 'redis sent a reply nobody asked for'));
        return;
      }
      clearTimeout(p.timer);
      p.resolve(r.value);
    }
    this.#buffer = at === this.#buffer.length ? Buffer.alloc(0) : this.#buffer.subarray(at);
  }

  #fail(e: Error): void {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
    for (const p of this.#pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(e);
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#fail(new GatewayError('E_STORE', 'redis client closed'));
    return Promise.resolve();
  }
}
