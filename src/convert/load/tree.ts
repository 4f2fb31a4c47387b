/**
 * The object tree a checkpoint loads to: plain data (dicts, lists, tuples,
 * sets, numbers, strings, bytes, None), a few torch constants, and tensors
 * that point at their bytes in the file (offsets, never copies).
 *
 * Python ints and floats both become `number` (ints beyond 2^53 `bigint`).
 */
import type { TorchDtype } from '../dtypes.js';

export type CkValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | CkDict
  | CkList
  | CkTuple
  | CkSet
  | CkBytes
  | CkComplex
  | CkTorchConst
  | Storage
  | Tensor
  | CkUnsupportedTensor
  | CkForeign;

/** `dict`, or `collections.OrderedDict` (`ordered`); later duplicate keys replace earlier ones, as in Python. */
export interface CkDict {
  readonly kind: 'dict';
  readonly ordered: boolean;
  readonly entries: [CkValue, CkValue][];
}

export interface CkList {
  readonly kind: 'list';
  readonly items: CkValue[];
}

export interface CkTuple {
  readonly kind: 'tuple';
  readonly items: CkValue[];
}

export interface CkSet {
  readonly kind: 'set';
  readonly frozen: boolean;
  readonly items: CkValue[];
}

/** bytes or bytearray; `data` is absent when it was longer than the in-memory limit. */
export interface CkBytes {
  readonly kind: 'bytes';
  readonly length: number;
  readonly data: Uint8Array | undefined;
}

export interface CkComplex {
  readonly kind: 'complex';
  readonly re: number;
  readonly im: number;
}

/** A torch constant stored as a value: a dtype, layout, memory format, qscheme or device. */
export interface CkTorchConst {
  readonly kind: 'torch';
  readonly what: 'dtype' | 'layout' | 'memory_format' | 'qscheme' | 'device';
  /** `float16`, `strided`, `cpu`, `cuda:0`... */
  readonly value: string;
}

/** A tensor the loader recognises but cannot represent (quantized, sparse, meta, nested...). */
export interface CkUnsupportedTensor {
  readonly kind: 'unsupported-tensor';
  /** What it is: `quantized`, `sparse`, `meta`, ... */
  readonly what: string;
  /** The rebuild function that builds it. */
  readonly via: string;
  /** Stream offset of the call. */
  readonly pos: number;
}

/**
 * An object outside the weights-only set, kept only in salvage mode: what
 * torch.load would have built by calling or instantiating `global`.
 */
export interface CkForeign {
  readonly kind: 'foreign';
  readonly global: string;
  /** `call`, `new`, `build`, `reference`... */
  readonly use: string;
  readonly pos: number;
}

/**
 * A storage: `nbytes` bytes of one element type at `fileOffset` in the
 * checkpoint file. Its location in the file is resolved after the object
 * tree is read (legacy files put storages after it); until then, or when
 * the record is missing or short, `problem` says why its bytes cannot be read.
 */
export class Storage {
  readonly kind = 'storage';
  /** Key in the checkpoint (`data/<key>` record, legacy storage key). */
  readonly key: string;
  readonly dtype: TorchDtype;
  /** Bytes torch allocates for it (numel x element size). */
  readonly nbytes: number;
  /** Device it was saved from (`cpu`, `cuda:0`); the bytes are the same. */
  readonly location: string;
  /** The storage whose bytes these are (itself, or the root of a legacy storage view). */
  readonly root: Storage | undefined;
  /** Byte offset inside `root` (legacy views). */
  readonly rootOffset: number;
  fileOffset: number | undefined = undefined;
  problem: string | undefined = 'its bytes were not located';
  /** Error code for `problem`: short/missing records are bounds errors, compressed records their own. */
  problemCode: 'E_CONVERT_STORAGE_BOUNDS' | 'E_CONVERT_COMPRESSED' = 'E_CONVERT_STORAGE_BOUNDS';

  constructor(init: { key: string; dtype: TorchDtype; nbytes: number; location: string; root?: Storage; rootOffset?: number }) {
    this.key = init.key;
    this.dtype = init.dtype;
    this.nbytes = init.nbytes;
    this.location = init.location;
    this.root = init.root;
    this.rootOffset = init.rootOffset ?? 0;
  }

  /** Identity of the underlying bytes, for detecting shared storages (tied weights). */
  get identity(): string {
    return this.root === undefined ? this.key : this.root.key;
  }

  /** Byte offset of this storage's first byte inside its identity's bytes. */
  get identityOffset(): number {
    return this.root === undefined ? 0 : this.rootOffset;
  }

  locate(fileOffset: number): void {
    this.fileOffset = fileOffset;
    this.problem = undefined;
  }

  fail(problem: string): void {
    this.fileOffset = undefined;
    this.problem = problem;
  }
}

/** A dense, strided tensor over a storage. */
export class Tensor {
  readonly kind = 'tensor';
  readonly dtype: TorchDtype;
  readonly shape: readonly number[];
  /** In elements, one per dimension. */
  readonly strides: readonly number[];
  /** In elements of `dtype`, from the start of the storage. */
  readonly storageOffset: number;
  readonly storage: Storage;
  readonly requiresGrad: boolean;
  /** Rebuilt as `nn.Parameter`. */
  parameter: boolean;
  /** The rebuild function that built it (`torch._utils._rebuild_tensor_v2`). */
  readonly via: string;
  /** Stream offset of the rebuild call. */
  readonly pos: number;

  constructor(init: {
    dtype: TorchDtype;
    shape: readonly number[];
    strides: readonly number[];
    storageOffset: number;
    storage: Storage;
    requiresGrad: boolean;
    via: string;
    pos: number;
  }) {
    this.dtype = init.dtype;
    this.shape = init.shape;
    this.strides = init.strides;
    this.storageOffset = init.storageOffset;
    this.storage = init.storage;
    this.requiresGrad = init.requiresGrad;
    this.parameter = false;
    this.via = init.via;
    this.pos = init.pos;
  }
}

export type PathPart = string | number;

/** A tensor with the path that leads to it from the root. */
export interface NamedTensor {
  path: readonly PathPart[];
  tensor: Tensor;
}
