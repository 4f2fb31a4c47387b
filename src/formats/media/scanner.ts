/**
 * Images that model repositories carry for their model cards (PNG, JPEG,
 * GIF, WebP). No model loader executes them: pickle, torch.load, numpy and
 * joblib fail on their first byte. They are claimed only when nothing else
 * claims the bytes (a zip appended to an image is still walked as a zip, an
 * HDF5 signature after a user block is still read as HDF5), and only on a
 * signature plus the structure right after it.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { defineRules } from '../../findings/rules.js';

const IMAGE_RULE = {
  id: 'media/image',
  title: 'Image file',
  severity: 'info',
  help: 'A PNG, JPEG, GIF or WebP image (a model card figure). Model loaders do not read images, and no other format was found in the bytes.',
} as const;
defineRules([IMAGE_RULE]);

const ascii = (b: Uint8Array, at: number, s: string): boolean => [...s].every((c, i) => b[at + i] === c.charCodeAt(0));

/** Which image the head is, by signature and the first structure after it. */
export function imageKind(h: Uint8Array): string | undefined {
  // PNG: signature, then the IHDR chunk (length 13).
  if (h[0] === 0x89 && ascii(h, 1, 'PNG\r\n\x1a\n') && h[8] === 0 && h[9] === 0 && h[10] === 0 && h[11] === 13 && ascii(h, 12, 'IHDR')) return 'PNG';
  // JPEG: SOI, then a marker segment (APPn, DQT, SOF, DHT, COM).
  if (h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff && h[3] !== undefined && ((h[3] >= 0xc0 && h[3] <= 0xfe) || h[3] === 0xdb)) return 'JPEG';
  if (ascii(h, 0, 'GIF87a') || ascii(h, 0, 'GIF89a')) return 'GIF';
  if (ascii(h, 0, 'RIFF') && ascii(h, 8, 'WEBP') && ascii(h, 12, 'VP8')) return 'WebP';
  return undefined;
}

export const imageFormat: FormatScanner = {
  id: 'image',
  title: 'image',
  fallback: true,
  sniff(probe: Probe): boolean {
    return imageKind(probe.head) !== undefined;
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const kind = imageKind(src.read(0, Math.min(src.size, 32))) ?? 'image';
    ctx.info('format', kind.toLowerCase());
    ctx.report({ rule: IMAGE_RULE.id, severity: 'info', message: `${kind} image of ${src.size} bytes: no model loader reads it` });
    return Promise.resolve();
  },
};
