/**
 * Errors of the safe loader and the converter.
 *
 * How callers should treat each code:
 * - `E_CONVERT_REFUSED`: the scan found the input malicious; nothing was
 *   written. Retry only with `allowMalicious` (the output is safe by
 *   construction, and the report lists what was left behind). CLI exit 1.
 * - `E_CONVERT_FOREIGN_GLOBAL`: the checkpoint needs a global outside the
 *   weights-only set (a whole `nn.Module`, a user class, a payload) to be
 *   rebuilt. `finding` carries the scan's explanation when it has one. Use
 *   `salvage` to convert the tensors anyway and leave the object behind.
 *   CLI exit 1.
 * - `E_CONVERT_UNSUPPORTED_TENSOR`: a tensor the converter cannot write
 *   (quantized, sparse, meta, a dtype safetensors has no name for). The
 *   message names the tensor. `salvage` skips it. CLI exit 2.
 * - `E_CONVERT_STORAGE_BOUNDS`: a tensor or storage claims bytes the file
 *   does not have (record too short, offsets past the end, a shape whose
 *   product overflows). The input is corrupt or hostile. CLI exit 2.
 * - `E_CONVERT_COMPRESSED`: a storage record is compressed; PyTorch writes
 *   them stored, so the file was not written by torch.save. CLI exit 2.
 * - `E_CONVERT_PICKLE`: the object tree pickle breaks the rules CPython's
 *   unpickler enforces (torch.load would fail too), or uses an opcode no
 *   checkpoint writer emits (EXT, out-of-band buffers). CLI exit 2.
 * - `E_CONVERT_NAME`: two tensors flatten to the same safetensors name, or a
 *   name cannot be represented. CLI exit 2.
 * - `E_CONVERT_FORMAT`: the input is not a checkpoint this converter reads
 *   (TorchScript archive, tar checkpoint, big-endian data). CLI exit 2.
 * - `E_CONVERT_VERIFY`: `verify` found the output differs from the input;
 *   the output was removed. CLI exit 1.
 * - `E_CONVERT_OUTPUT`: the output exists (without `overwrite`) or cannot be
 *   written. CLI exit 2.
 *
 * Shared codes (`E_IO`, `E_USAGE`, `E_TRUNCATED`, `E_MALFORMED`, `E_LIMIT`)
 * keep the meaning `src/errors.ts` gives them.
 */
import { ModelguardError, type ErrorCode } from '../errors.js';
import type { Finding } from '../findings/finding.js';

export type ConvertErrorCode =
  | ErrorCode
  | 'E_CONVERT_REFUSED'
  | 'E_CONVERT_FOREIGN_GLOBAL'
  | 'E_CONVERT_UNSUPPORTED_TENSOR'
  | 'E_CONVERT_STORAGE_BOUNDS'
  | 'E_CONVERT_COMPRESSED'
  | 'E_CONVERT_PICKLE'
  | 'E_CONVERT_NAME'
  | 'E_CONVERT_FORMAT'
  | 'E_CONVERT_VERIFY'
  | 'E_CONVERT_OUTPUT';

export class ConvertError extends ModelguardError<ConvertErrorCode> {
  /** Scan findings behind a refusal (the explanation), worst first. */
  readonly findings: readonly Finding[];
  /** The tensor the error is about, as its flattened name, when known. */
  readonly tensor: string | undefined;
  /** The global the error is about (`os.system`), when there is one. */
  readonly global: string | undefined;

  constructor(
    code: ConvertErrorCode,
    message: string,
    options?: { offset?: number; cause?: unknown; findings?: readonly Finding[]; tensor?: string; global?: string },
  ) {
    super(code, message, options);
    this.name = 'ConvertError';
    this.findings = options?.findings ?? [];
    this.tensor = options?.tensor;
    this.global = options?.global;
  }
}

export function isConvertError(e: unknown): e is ConvertError {
  return e instanceof ConvertError;
}

/** CLI exit status for a conversion error: 1 for refusals and failed verification, 2 otherwise. */
export function convertExitCode(e: unknown): 1 | 2 {
  if (e instanceof ConvertError) {
    switch (e.code) {
      case 'E_CONVERT_REFUSED':
      case 'E_CONVERT_FOREIGN_GLOBAL':
      case 'E_CONVERT_VERIFY':
        return 1;
      default:
        return 2;
    }
  }
  return 2;
}
