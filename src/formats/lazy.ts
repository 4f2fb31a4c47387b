/**
 * Formats whose scanners need a heavy library (protobufjs, a WebAssembly
 * build of 7-Zip) keep their sniffer and rules in light modules and load the
 * scanner on first use, so a scan of pickles and checkpoints (and every
 * worker thread) starts without them.
 */
import type { ByteSource } from '../bytes/source.js';
import type { ScanContext } from './context.js';
import type { FormatScanner } from './format.js';

export function lazyFormat(light: Omit<FormatScanner, 'scan'>, load: () => Promise<FormatScanner>): FormatScanner {
  let loaded: Promise<FormatScanner> | undefined;
  return {
    ...light,
    async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
      loaded ??= load();
      await (await loaded).scan(src, ctx);
    },
  };
}
