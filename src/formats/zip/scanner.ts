/**
 * Zip containers, found by content: a local header at offset 0, or an
 * end-of-central-directory record at the end (which also finds archives
 * with data prepended, such as a pickle+zip polyglot).
 *
 * The walker reports the container's anomalies; what the members mean
 * belongs to the flavours (PyTorch, Keras, NumPy...) that
 * `formats/registry.ts` passes in, so this folder knows no model format.
 */
import type { ByteSource } from '../../bytes/source.js';
import { hasEocd, readZip } from '../../containers/zip/archive.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import type { ZipFlavour, ZipPrefix } from './flavour.js';
import { ZIP_ANOMALY_SEVERITY, zipRuleId } from './rules.js';

function startsWith(b: Uint8Array, ...sig: number[]): boolean {
  return sig.every((x, i) => b[i] === x);
}

/**
 * The zip scanner, handing each archive to the first of `flavours` that
 * claims it (most specific first). Bytes before the archive are reported
 * (`zip/prefix-data`) unless one of `prefixes` recognises them as a file
 * that conventionally carries a zip after it (a TFLite model and its
 * metadata); that file is scanned by its own scanner like any other.
 */
export function zipFormat(flavours: readonly ZipFlavour[], prefixes: readonly ZipPrefix[] = []): FormatScanner {
  return {
    id: 'zip',
    title: 'zip archive',
    sniff(probe: Probe): boolean {
      const h = probe.head;
      if (startsWith(h, 0x50, 0x4b, 0x03, 0x04) || startsWith(h, 0x50, 0x4b, 0x05, 0x06)) return true;
      return probe.size >= 22 && hasEocd(probe.tail(), probe.size);
    },
    async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
      const zip = readZip(src, ctx.limits.maxArchiveEntries);
      const first = zip.entries.reduce((m, e) => Math.min(m, e.localOffset), src.size);
      const prefix = first > 0 && first < src.size ? prefixes.find((p) => p.claims(src, first)) : undefined;
      if (prefix !== undefined) ctx.info('zip.prefix', `${prefix.title} (${first} bytes)`);
      for (const a of zip.anomalies) {
        if (a.kind === 'prefix-data' && prefix !== undefined) continue;
        ctx.report({
          rule: zipRuleId(a.kind),
          severity: ZIP_ANOMALY_SEVERITY[a.kind],
          message: a.message,
          location: a.entry === undefined ? { offset: a.offset } : { offset: a.offset, member: [...(ctx.location.member ?? []), a.entry] },
        });
      }
      const flavour = flavours.find((f) => f.claims(zip, src));
      if (flavour === undefined) return;
      ctx.info('format', flavour.id);
      ctx.info('zip.entries', zip.entries.length);
      await flavour.scan(zip, src, ctx);
    },
  };
}
