/**
 * What a zip holds decides how it is loaded: a PyTorch checkpoint, a
 * TorchScript archive, a NumPy `.npz`, a Keras `.keras` file, or a plain
 * archive. Each is a `ZipFlavour`; the zip scanner walks the container
 * once, reports its anomalies, then hands it to the first flavour that
 * claims it.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ZipArchive } from '../../containers/zip/archive.js';
import type { ScanContext } from '../context.js';

export interface ZipFlavour {
  /** Format id reported for the file (`torch-zip`, `torchscript`, `numpy-npz`, `keras-v3`, `zip`). */
  readonly id: string;
  readonly title: string;
  /** Decides from entry names (and, if needed, small reads). Must not throw. */
  claims(zip: ZipArchive, src: ByteSource): boolean;
  scan(zip: ZipArchive, src: ByteSource, ctx: ScanContext): Promise<void>;
}

/**
 * A file that may legitimately come before a zip: a format whose
 * convention is to append an archive to itself (TFLite models and their
 * metadata). `claims` must verify the whole prefix `[0, length)` is that
 * format, not just its magic number.
 */
export interface ZipPrefix {
  readonly id: string;
  readonly title: string;
  /** Must not throw. */
  claims(src: ByteSource, length: number): boolean;
}
