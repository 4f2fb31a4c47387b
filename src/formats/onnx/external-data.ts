/**
 * ONNX external data: tensors whose bytes live in another file named by a
 * `location` entry, which loaders join to the model's directory.
 *
 * What loaders do with the location:
 * - onnx <= 1.12 (Python): `os.path.join(base_dir, location.lstrip('/.'))`:
 *   leading `/`, `.` and `../` are stripped, but `weights/../../etc/passwd`
 *   escapes (CVE-2022-25882, CVE-2024-27318).
 * - onnx >= 1.17 (C++ `resolve_external_data_location`): rejects absolute
 *   paths, any `..`, symlinks, non-regular files and hard links.
 * - onnxruntime before the late-2025 fixes joined `model_dir / location`
 *   unchecked: absolute and `../` locations read any file; the location
 *   `*\/_ORT_MEM_ADDR_\/*` made it treat `offset` as a raw memory address.
 *
 * So every absolute location, every `..` component (leading or not) and the
 * memory-address marker is an escape attempt. On disk (when the model's
 * directory is known) the target is only `lstat`-ed, never opened or read.
 */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Severity } from '../../findings/finding.js';

export interface LocationFinding {
  rule: string;
  severity: Severity;
  message: string;
}

/** onnxruntime's in-memory external data marker (`kTensorProtoMemoryAddressTag`). */
export const ORT_MEMORY_ADDRESS_TAG = '*/_ORT_MEM_ADDR_/*';

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$)(\..*)?$/i;

/** Checks a location string on its own (no file system). */
export function checkLocation(location: string): LocationFinding[] {
  const out: LocationFinding[] = [];
  const q = JSON.stringify(location);
  if (location.length === 0) {
    out.push({ rule: 'onnx/malformed', severity: 'suspicious', message: 'external data location is empty' });
    return out;
  }
  if (location === ORT_MEMORY_ADDRESS_TAG || location.includes('_ORT_MEM_ADDR_')) {
    out.push({
      rule: 'onnx/external-data-memory',
      severity: 'malicious',
      message: `external data location ${q} is onnxruntime's in-memory marker: unpatched onnxruntime reads the offset as a raw memory address`,
    });
    return out;
  }
  if (location.includes('\0')) {
    out.push({
      rule: 'onnx/external-data-traversal',
      severity: 'malicious',
      message: `external data location ${q} contains a NUL byte (truncates the path in C++ loaders)`,
    });
  }
  if (/^[/\\]/.test(location) || /^[A-Za-z]:/.test(location)) {
    out.push({
      rule: 'onnx/external-data-traversal',
      severity: 'malicious',
      message: `external data location ${q} is an absolute path: loaders that join it to the model directory read an arbitrary file`,
    });
  }
  const parts = location.split(/[\\/]+/);
  const firstReal = parts.findIndex((p) => p !== '' && p !== '.' && p !== '..');
  const dotdot = parts.findIndex((p) => p === '..');
  if (dotdot >= 0) {
    const inner = firstReal >= 0 && dotdot > firstReal;
    out.push({
      rule: 'onnx/external-data-traversal',
      severity: 'malicious',
      message: inner
        ? `external data location ${q} climbs out of the model directory with '..' after a directory name (onnx <= 1.12 does not strip it)`
        : `external data location ${q} starts with '..': onnx 1.12 strips it, but onnxruntime and other loaders follow it out of the model directory`,
    });
  }
  if (parts.some((p) => WINDOWS_DEVICE.test(p))) {
    out.push({ rule: 'onnx/external-data-special-file', severity: 'suspicious', message: `external data location ${q} names a Windows device` });
  }
  return out;
}

/**
 * Checks the referenced file inside `dir` with `lstat` only: symlinks and
 * hard links (rejected by current onnx), devices, FIFOs, sockets and
 * directories (a read that blocks or never ends), and offset/length past
 * the end of the file. Call only for locations `checkLocation` accepted.
 */
export function checkOnDisk(dir: string, location: string, offset: string | undefined, length: string | undefined): LocationFinding[] {
  const q = JSON.stringify(location);
  const parts = location.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  let path = dir;
  for (let i = 0; i < parts.length; i++) {
    path = join(path, parts[i] as string);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return [{ rule: 'onnx/external-data-missing', severity: 'info', message: `external data file ${q} is not next to the model; it was not checked` }];
    }
    if (st.isSymbolicLink()) return [symlinkFinding(dir, path, q)];
    const last = i === parts.length - 1;
    if (!last) continue;
    if (!st.isFile()) {
      return [{ rule: 'onnx/external-data-special-file', severity: 'malicious', message: `external data location ${q} is not a regular file (${kindOf(st)})` }];
    }
    const out: LocationFinding[] = [];
    if (st.nlink > 1) {
      out.push({
        rule: 'onnx/external-data-link',
        severity: 'suspicious',
        message: `external data file ${q} has ${st.nlink} hard links (a hard link can expose a file from outside the model directory)`,
      });
    }
    out.push(...checkRange(q, st.size, offset, length));
    return out;
  }
  return [];
}

function symlinkFinding(dir: string, path: string, q: string): LocationFinding {
  let target = '';
  let special = '';
  try {
    target = realpathSync(path);
    const st = statSync(target);
    if (!st.isFile()) special = kindOf(st);
  } catch {
    target = '(dangling)';
  }
  if (special !== '') {
    return {
      rule: 'onnx/external-data-special-file',
      severity: 'malicious',
      message: `external data location ${q} is a symbolic link to a ${special} (${target})`,
    };
  }
  let base = dir;
  try {
    base = realpathSync(dir);
  } catch {
    // keep dir
  }
  const rel = relative(base, target);
  const outside = rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel);
  return {
    rule: 'onnx/external-data-link',
    severity: 'suspicious',
    message: `external data location ${q} goes through a symbolic link${outside ? ` to ${target}, outside the model directory` : ''}; current onnx refuses symlinked external data`,
  };
}

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  return 'special file';
}

/** Offset and length are decimal strings; they must be non-negative and inside the file. */
export function checkRange(q: string, size: number, offset: string | undefined, length: string | undefined): LocationFinding[] {
  const num = (s: string | undefined): bigint | undefined | null => (s === undefined ? undefined : /^\s*[0-9]+\s*$/.test(s) ? BigInt(s.trim()) : null);
  const off = num(offset);
  const len = num(length);
  if (off === null || len === null) {
    return [
      {
        rule: 'onnx/external-data-range',
        severity: 'suspicious',
        message: `external data ${q} has a non-numeric or negative offset/length (${String(offset)}/${String(length)})`,
      },
    ];
  }
  const start = off ?? 0n;
  if (start > BigInt(size) || (len !== undefined && start + len > BigInt(size))) {
    return [
      {
        rule: 'onnx/external-data-range',
        severity: 'suspicious',
        message: `external data ${q}: offset ${start} + length ${len ?? 'rest'} is outside the ${size}-byte file`,
      },
    ];
  }
  return [];
}
