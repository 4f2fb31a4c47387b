/**
 * PyTorch's legacy (pre-1.6, `_use_new_zipfile_serialization=False`)
 * format: five pickles back to back (magic number, protocol version,
 * sys_info, the object tree, the list of storage keys), then each storage
 * as an 8-byte element count and its bytes. torch.load unpickles all five,
 * so a payload in any of them runs. Storages are skipped by their declared
 * sizes (never read); whatever follows them is analysed too.
 */
import { BufferSource, type ByteSource } from '../../bytes/source.js';
import { ByteReader } from '../../bytes/reader.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { defineRules, type RuleInfo } from '../../findings/rules.js';
import { Op } from '../pickle/opcodes.js';
import { PickleReader } from '../pickle/reader.js';
import { render } from '../pickle/render.js';
import { PICKLE_RULES } from '../pickle/rules.js';
import { looksLikePickle } from '../pickle/sniff.js';
import { runOnePickle } from '../pickle/stream.js';
import { PyList, type PyValue } from '../pickle/values.js';
import { torchPersistentLoad, type StorageRef } from './persistent.js';
import { storageElementSize } from './storage.js';

export const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;

export const LEGACY_RULES = {
  layout: {
    id: 'torch/legacy-layout',
    title: 'Legacy checkpoint does not follow the PyTorch layout',
    severity: 'suspicious',
    help: 'The pickles or storage records of a legacy checkpoint are not what torch.load expects; it fails at this point (everything before it already ran).',
  },
} as const satisfies Record<string, RuleInfo>;
defineRules(Object.values(LEGACY_RULES));

/** Whether the first pickle of `head` is PyTorch's magic number. */
export function startsWithTorchMagic(head: Uint8Array): boolean {
  // PROTO n then LONG1 (protocol 2+; protocol 4+ puts a 9-byte FRAME between them, as torch.save(pickle_protocol=4)
  // writes), or protocol 0/1 text ('L'/'I'): cheap test before decoding. torch.load reads every protocol the same way.
  const afterProto = head[0] === Op.PROTO ? 2 : 0;
  const first = head[afterProto] === Op.FRAME ? head[afterProto + 9] : head[afterProto];
  if (first !== Op.LONG1 && first !== Op.LONG && first !== Op.LONG4 && first !== Op.INT) return false;
  try {
    const r = new PickleReader(new BufferSource(head), 0, head.length, 1024);
    let value: unknown;
    for (let i = 0; i < 5; i++) {
      const op = r.next();
      if (op.code === Op.PROTO || op.code === Op.FRAME) continue;
      if (op.code === Op.STOP) return value === MAGIC_NUMBER;
      if (op.code === Op.LONG1 || op.code === Op.LONG || op.code === Op.LONG4 || op.code === Op.INT) {
        value = typeof op.arg === 'bigint' ? op.arg : typeof op.arg === 'number' ? BigInt(op.arg) : undefined;
      } else return false;
    }
  } catch {
    return false;
  }
  return false;
}

/** Storage keys pickled as a list; each legacy storage record is read in this order. */
const KEYS_RETAIN = 10_000_000;

export const torchLegacyFormat: FormatScanner = {
  id: 'torch-legacy',
  title: 'PyTorch legacy checkpoint',
  covers: ['pickle'],
  sniff(probe: Probe): boolean {
    return startsWithTorchMagic(probe.head);
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const policy = ctx.policyFor('torch-legacy');
    const refs = new Map<string, StorageRef>();
    const names = ['magic number', 'protocol version', 'sys_info', 'object tree', 'storage keys'];
    let pos = 0;
    let keys: PyValue | undefined;
    for (let i = 0; i < names.length; i++) {
      const label = `pickle #${i + 1} (${names[i]}): `;
      const { result, next } = runOnePickle(
        src,
        pos,
        src.size,
        ctx,
        { ctx, policy, label, ...(i === 3 ? { persistentLoad: torchPersistentLoad(refs, true) } : {}) },
        'suspicious',
        i === 4 ? Math.min(KEYS_RETAIN, ctx.limits.maxArchiveEntries) : undefined,
      );
      if (result === undefined) return Promise.resolve();
      pos = next;
      if (i === 4) keys = result.value;
    }
    if (!(keys instanceof PyList) || keys.truncated) {
      layout(ctx, pos, 'the storage keys pickle is not a list of keys');
      return Promise.resolve();
    }
    let bytes = 0;
    for (const k of keys.items) {
      const ref = typeof k === 'string' ? refs.get(k) : undefined;
      const el = ref === undefined ? undefined : storageElementSize(ref.storageType);
      if (ref === undefined || el === undefined) {
        layout(ctx, pos, `storage key ${render(k)} is not named by the object tree (or has an unknown type)`);
        return Promise.resolve();
      }
      if (pos + 8 > src.size) {
        layout(ctx, pos, `storage ${ref.key}: file ends before its size field`);
        return Promise.resolve();
      }
      const count = new ByteReader(src.read(pos, 8), pos).i64le();
      const len = count * BigInt(el);
      if (count < 0n || len > BigInt(src.size - pos - 8)) {
        layout(ctx, pos, `storage ${ref.key} declares ${count} elements of ${el} bytes, past the end of the file`);
        return Promise.resolve();
      }
      pos += 8 + Number(len);
      bytes += Number(len);
    }
    ctx.info('torch.storages', keys.count);
    ctx.info('torch.tensorBytes', bytes);
    if (pos < src.size) {
      const rest = src.read(pos, Math.min(4096, src.size - pos));
      if (looksLikePickle(rest)) {
        ctx.report({
          rule: PICKLE_RULES.laterPickle.id,
          severity: 'info',
          message: `a pickle follows the storages at offset ${pos}; torch.load stops before it`,
          location: { offset: pos },
        });
        runOnePickle(src, pos, src.size, ctx, { ctx, policy, label: 'after the storages: ' }, 'info');
      } else {
        ctx.report({
          rule: PICKLE_RULES.trailing.id,
          severity: 'info',
          message: `${src.size - pos} bytes follow the last storage`,
          location: { offset: pos },
        });
      }
    }
    return Promise.resolve();
  },
};

function layout(ctx: ScanContext, offset: number, message: string): void {
  ctx.report({ rule: LEGACY_RULES.layout.id, severity: 'suspicious', message, location: { offset } });
}
