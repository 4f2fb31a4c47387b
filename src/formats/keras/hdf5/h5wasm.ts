/**
 * The HDF5 library (h5wasm: libhdf5 compiled to WebAssembly) reading a
 * `ByteSource` on demand.
 *
 * Why this shape:
 * - h5wasm's file system is Emscripten's in-memory one. Instead of copying
 *   the file into it, each scan mounts a tiny read-only file system whose
 *   one file reads through `ByteSource.read`: libhdf5 fetches the ranges it
 *   needs (a few kilobytes for the root attributes of a multi-gigabyte
 *   weights file), nested members (a .keras archive's weights) need no
 *   temporary file, and libhdf5 never sees the real disk, so external links
 *   and external storage in a hostile file resolve to nothing.
 * - The ESM build is used rather than `h5wasm/node`, which maps the whole
 *   host file system (NODERAWFS) into the library.
 * - libhdf5 runs inside the WebAssembly sandbox: a memory error there cannot
 *   reach the process, but it can leave the module's state broken. After a
 *   trap the module is dropped and the next scan loads a fresh instance.
 */
import { byteAt, u16leAt } from '../../../bytes/at.js';
import type { ByteSource } from '../../../bytes/source.js';
import { ModelguardError, isModelguardError } from '../../../errors.js';
import { isHdf5Signature } from './sniff.js';

export type H5Lib = typeof import('h5wasm');
export type H5File = InstanceType<H5Lib['File']>;

interface FsNode {
  id: number;
  mode: number;
  size?: number;
  contents?: Record<string, FsNode>;
  source?: ByteSource;
  /** The superblock's size of lengths, read on the first global heap. */
  lengthSize?: number;
  node_ops: object;
  stream_ops: object;
}
interface FsStream {
  node: FsNode;
  position: number;
}
interface EmFs {
  streams: ({ fd: number } | null | undefined)[];
  makedev(major: number, minor: number): number;
  registerDevice(dev: number, ops: object): void;
  mkdev(path: string, dev: number): void;
  open(path: string, flags: string): { fd: number };
  close(stream: object): void;
  createNode(parent: FsNode | null, name: string, mode: number, dev: number): FsNode;
  mkdir(path: string): void;
  rmdir(path: string): void;
  mount(type: object, opts: object, mountpoint: string): void;
  unmount(mountpoint: string): void;
  ErrnoError: new (errno: number) => Error;
}

const DIR_MODE = 0o40555;
const FILE_MODE = 0o100444;
const EIO = 29;
const EINVAL = 28;
const ENOENT = 44;
const EPERM = 63;
const FILE_NAME = 'model.h5';

/** libhdf5's error stack, printed to fd 2: kept (last bytes only) to explain failures, never shown. */
const MAX_DIAG_BYTES = 16 * 1024;
let diag: number[] = [];

let lib: Promise<H5Lib> | undefined;
let generation = 0;
let mounts = 0;

async function load(): Promise<H5Lib> {
  const g = generation;
  // A fresh module instance after a trap: the same file under another URL is a new module.
  const m = (g === 0 ? await import('h5wasm') : await import(`${import.meta.resolve('h5wasm')}?instance=${g}`)) as H5Lib;
  await m.ready;
  captureStderr(m.FS as unknown as EmFs);
  capMemory(m);
  return m;
}

/**
 * WebAssembly memory libhdf5 may grow to (CWE-400). libhdf5 allocates sizes
 * the file declares before checking them: one flipped byte in the length of
 * a variable-length string attribute of a 12 kB Keras file made it allocate
 * 800 MB, and WebAssembly memory never shrinks. Metadata and attributes of
 * real files need a few MB (weights are never read).
 */
const MAX_HDF5_MEMORY = 512 * 1024 * 1024;
const cappedModules: H5Lib[] = [];
let growPatched = false;

/**
 * Refuses growth of this module's memory past the cap. Emscripten's
 * `growMemory` catches the refusal and malloc returns NULL, which libhdf5
 * reports as an error (the scan then reports the file malformed). The
 * patch recognises the module's memory by its buffer; other WebAssembly
 * memories grow as before.
 */
function capMemory(m: H5Lib): void {
  cappedModules.push(m);
  if (growPatched) return;
  growPatched = true;
  // The project compiles without the DOM/WebAssembly type library: describe the one method used.
  interface WasmMemory {
    readonly buffer: ArrayBuffer;
    grow: (this: WasmMemory, delta: number) => number;
  }
  const proto = (globalThis as unknown as { WebAssembly: { Memory: { prototype: WasmMemory } } }).WebAssembly.Memory.prototype;
  const grow = proto.grow;
  proto.grow = function (this: WasmMemory, delta: number): number {
    const after = this.buffer.byteLength + delta * 65536;
    if (after > MAX_HDF5_MEMORY && cappedModules.some((x) => (x.Module as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer === this.buffer)) {
      throw new RangeError(`HDF5 memory would grow to ${after} bytes (cap ${MAX_HDF5_MEMORY})`);
    }
    return grow.call(this, delta);
  };
}

/** Points the module's fd 2 at a device that records libhdf5's diagnostics instead of printing them. */
function captureStderr(fs: EmFs): void {
  const dev = fs.makedev(64, 0);
  fs.registerDevice(dev, {
    open(): void {},
    close(): void {},
    read(): number {
      return 0;
    },
    write(_stream: unknown, buffer: Uint8Array, offset: number, length: number): number {
      for (let i = 0; i < length; i++) diag.push(buffer[offset + i] as number);
      if (diag.length > MAX_DIAG_BYTES) diag = diag.slice(-MAX_DIAG_BYTES);
      return length;
    },
  });
  fs.mkdev('/dev/modelguard-stderr', dev);
  const stderr = fs.streams[2];
  if (stderr !== null && stderr !== undefined) fs.close(stderr);
  fs.open('/dev/modelguard-stderr', 'w');
}

/** The innermost libhdf5 error ("truncated file: eof = ..."), from the captured diagnostics. */
function diagnostic(): string | undefined {
  const text = Buffer.from(diag).toString('latin1');
  const frames = [...text.matchAll(/#\d+: .*? in (\w+)\(\): (.*)/g)];
  const last = frames[frames.length - 1];
  return last === undefined ? undefined : `${last[2] as string} (${last[1] as string})`.slice(0, 200);
}

function library(): Promise<H5Lib> {
  lib ??= load();
  return lib;
}

function isTrap(e: unknown): boolean {
  // WebAssembly.RuntimeError (a trap) or Emscripten's abort().
  return e instanceof Error && (e.name === 'RuntimeError' || /\bAborted\b|unreachable|out of bounds/i.test(e.message));
}

/** "Size of lengths" from the superblock (at the signature, 0 or 512 x 2^n): 8 unless the file says otherwise. */
function lengthSize(src: ByteSource): number {
  for (let base = 0; base + 16 <= src.size && base <= 1 << 30; base = base === 0 ? 512 : base * 2) {
    const h = src.read(base, 16);
    if (!isHdf5Signature(h)) continue;
    const v = byteAt(h, 8, base);
    const size = v <= 1 ? h[14] : h[10];
    return size === 2 || size === 4 || size === 8 ? size : 8;
  }
  return 8;
}

function readLength(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + byteAt(b, at + i);
  return v;
}

/**
 * A global heap collection as libhdf5 is about to read it (HDF5 spec
 * III.E: "GCOL", version, collection size, then objects of index,
 * reference count, size, data padded to 8 bytes). libhdf5 allocates an
 * object's declared size when a variable-length string is read, before it
 * compares that size with the collection: a flipped size byte in a 12 kB
 * Keras file made it allocate 800 MB. Objects larger than their collection
 * are refused here, before the library sees them.
 */
function checkGlobalHeap(b: Uint8Array, position: number, fileSize: number, L: number): void {
  if (b.length < 8 + L) return;
  const collection = readLength(b, 8, L);
  const bad = (why: string): never => {
    throw new ModelguardError('E_MALFORMED', `HDF5 global heap at offset ${position}: ${why}`, { offset: position });
  };
  if (collection < 8 + L || collection > fileSize - position) bad(`collection of ${collection} bytes in a ${fileSize}-byte file`);
  // The walk of H5HG__cache_heap_deserialize: an object advances by header + size rounded
  // to 8, free space (index 0) by its size alone. A free-space size smaller than a header
  // (0 above all) makes libhdf5's loop spin forever; any size past the collection is a lie.
  const header = 8 + L;
  let at = header;
  while (at + header <= Math.min(b.length, collection)) {
    const index = u16leAt(b, at);
    const size = readLength(b, at + 8, L);
    if (size > collection) bad(`object ${index} declares ${size} bytes in a ${collection}-byte collection`);
    const need = index === 0 ? size : header + Math.ceil(size / 8) * 8;
    if (need < header || at + need > collection) bad(`${index === 0 ? 'free space' : `object ${index}`} of ${size} bytes at collection offset ${at}`);
    at += need;
  }
}

/** The read-only file system holding one file backed by a ByteSource. */
function sourceFs(fs: EmFs, onError: (e: unknown) => void): object {
  const stamp = new Date(0);
  const nodeOps = {
    getattr(node: FsNode) {
      const size = node.size ?? 4096;
      return {
        dev: 1,
        ino: node.id,
        mode: node.mode,
        nlink: 1,
        uid: 0,
        gid: 0,
        rdev: 0,
        size,
        atime: stamp,
        mtime: stamp,
        ctime: stamp,
        blksize: 4096,
        blocks: Math.ceil(size / 4096),
      };
    },
    setattr(): void {},
    lookup(): never {
      throw new fs.ErrnoError(ENOENT);
    },
    mknod(): never {
      throw new fs.ErrnoError(EPERM);
    },
    rename(): never {
      throw new fs.ErrnoError(EPERM);
    },
    unlink(): never {
      throw new fs.ErrnoError(EPERM);
    },
    rmdir(): never {
      throw new fs.ErrnoError(EPERM);
    },
    readdir(node: FsNode): string[] {
      return ['.', '..', ...Object.keys(node.contents ?? {})];
    },
    symlink(): never {
      throw new fs.ErrnoError(EPERM);
    },
  };
  const streamOps = {
    read(stream: FsStream, buffer: Uint8Array, offset: number, length: number, position: number): number {
      const src = stream.node.source;
      if (src === undefined) throw new fs.ErrnoError(EIO);
      if (position >= src.size || length <= 0) return 0;
      const n = Math.min(length, src.size - position);
      try {
        const bytes = src.read(position, n);
        // Global heap collections in what libhdf5 is about to parse, wherever in the read they start.
        for (let i = bytes.indexOf(0x47); i >= 0 && i + 4 <= bytes.length; i = bytes.indexOf(0x47, i + 1)) {
          if (bytes[i + 1] !== 0x43 || bytes[i + 2] !== 0x4f || bytes[i + 3] !== 0x4c) continue;
          stream.node.lengthSize ??= lengthSize(src);
          checkGlobalHeap(bytes.subarray(i), position + i, src.size, stream.node.lengthSize);
        }
        buffer.set(bytes, offset);
      } catch (e) {
        onError(e);
        throw new fs.ErrnoError(EIO);
      }
      return n;
    },
    write(): never {
      throw new fs.ErrnoError(EPERM);
    },
    llseek(stream: FsStream, offset: number, whence: number): number {
      let p = offset;
      if (whence === 1) p += stream.position;
      else if (whence === 2) p += stream.node.size ?? 0;
      if (p < 0) throw new fs.ErrnoError(EINVAL);
      return p;
    },
  };
  return {
    mount(m: { opts: { source: ByteSource } }): FsNode {
      const root = fs.createNode(null, '/', DIR_MODE, 0);
      root.node_ops = nodeOps;
      root.stream_ops = {};
      root.contents = {};
      const file = fs.createNode(root, FILE_NAME, FILE_MODE, 0);
      file.node_ops = nodeOps;
      file.stream_ops = streamOps;
      file.size = m.opts.source.size;
      file.source = m.opts.source;
      root.contents[FILE_NAME] = file;
      return root;
    },
  };
}

/**
 * Opens `src` read-only with libhdf5 and runs `fn` on the file. libhdf5
 * errors become `E_MALFORMED`, a read past the source `E_TRUNCATED`.
 */
export async function withHdf5<T>(src: ByteSource, fn: (file: H5File, h5: H5Lib) => T): Promise<T> {
  const h5 = await library();
  const fs = h5.FS as unknown as EmFs;
  let readError: unknown;
  const dir = `/modelguard-${++mounts}`;
  fs.mkdir(dir);
  fs.mount(
    sourceFs(fs, (e) => (readError ??= e)),
    { source: src },
    dir,
  );
  let file: H5File | undefined;
  diag = [];
  try {
    file = new h5.File(`${dir}/${FILE_NAME}`, 'r');
    if (file.file_id < 0n) {
      file = undefined;
      throw new Error('cannot open the file');
    }
    return fn(file, h5);
  } catch (e) {
    if (isModelguardError(e)) throw e;
    if (isModelguardError(readError)) throw readError;
    if (isTrap(e)) {
      generation++;
      lib = undefined;
      file = undefined;
      throw new ModelguardError('E_MALFORMED', `HDF5: the HDF5 library failed on this file (${firstLine(e)})`, { cause: e });
    }
    throw new ModelguardError('E_MALFORMED', `HDF5: ${firstLine(e)}`, { cause: e });
  } finally {
    if (lib !== undefined) {
      try {
        file?.close();
      } catch {
        // closing a file libhdf5 could not read is best effort
      }
      try {
        fs.unmount(dir);
        fs.rmdir(dir);
      } catch {
        // a module that failed mid-call is dropped anyway
      }
    }
  }
}

function firstLine(e: unknown): string {
  const m = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  const d = diagnostic();
  return (d === undefined ? m : `${m}: ${d}`).slice(0, 300);
}
