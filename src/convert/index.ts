/**
 * The converter's entry point: a directory is a Hugging Face folder, a zip
 * of `.npy` members is an npz, anything else is a PyTorch checkpoint.
 */
import { statSync } from 'node:fs';
import { FileSource } from '../bytes/source.js';
import { readZip } from '../containers/zip/archive.js';
import { convertCheckpoint, type ConvertOptions, type ConvertReport } from './convert.js';
import { refuseSameFile } from '../files/temp.js';
import { ConvertError } from './errors.js';
import { convertFolder } from './folder.js';
import { convertNpz } from './npz.js';

/** Whether `path` is a zip whose members are all `.npy` arrays (what numpy.savez writes). */
export function isNpz(path: string): boolean {
  const src = new FileSource(path);
  try {
    const h = src.read(0, Math.min(4, src.size));
    if (h[0] !== 0x50 || h[1] !== 0x4b) return false;
    const zip = readZip(src, 100_000);
    const listed = zip.entries.filter((e) => e.listed === 'central');
    return listed.length > 0 && listed.every((e) => e.name.endsWith('.npy') || !e.name.includes('/')) && listed.some((e) => e.name.endsWith('.npy'));
  } catch {
    return false;
  } finally {
    src.close();
  }
}

export async function convert(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertReport> {
  let isDir: boolean;
  try {
    const st = statSync(input);
    isDir = st.isDirectory();
    // A FIFO, socket or device is never opened: a FIFO would block forever.
    if (!isDir && !st.isFile()) throw new ConvertError('E_IO', `${input} is not a regular file (device, FIFO or socket); not opened`);
  } catch (e) {
    if (e instanceof ConvertError) throw e;
    throw new ConvertError('E_IO', `cannot read ${input}: ${(e as Error).message}`, { cause: e });
  }
  try {
    refuseSameFile(input, output);
  } catch (e) {
    throw new ConvertError('E_CONVERT_OUTPUT', (e as Error).message);
  }
  if (isDir) return convertFolder(input, output, options);
  if (isNpz(input)) return convertNpz(input, output, options);
  return convertCheckpoint(input, output, options);
}
