/**
 * Content sniffing: which registered format scanners claim these bytes.
 *
 * Scanners are asked in registry order (most specific magic numbers first)
 * and every claimant runs: a pickle that is also a zip (a polyglot) is
 * analysed both ways, because different loaders see different files.
 */
import type { ByteSource } from '../bytes/source.js';
import { FORMATS } from '../formats/registry.js';
import { SNIFF_BYTES, TAIL_BYTES, type FormatScanner, type Probe } from '../formats/format.js';

export function detectFormats(src: ByteSource, formats: readonly FormatScanner[] = FORMATS): FormatScanner[] {
  const probe = makeProbe(src);
  // Fallbacks count only when nothing specific claims the input, so they are asked only then.
  const specific = claimants(probe, formats, false);
  return exclusive(specific.length > 0 ? specific : claimants(probe, formats, true));
}

/** The formats of one kind (specific or fallback) that claim the probe, in registry order. */
function claimants(probe: Probe, formats: readonly FormatScanner[], fallback: boolean): FormatScanner[] {
  const out: FormatScanner[] = [];
  for (const f of formats) {
    if ((f.fallback === true) !== fallback) continue;
    let claims = false;
    try {
      claims = f.sniff(probe);
    } catch {
      // A sniffer must not throw; if one does, it does not claim the input.
      claims = false;
    }
    if (claims) out.push(f);
  }
  return out;
}

/**
 * A scanner may declare formats it supersedes (a TorchScript archive is also
 * a zip): keep the most specific claimant and drop what it covers.
 */
function exclusive(list: FormatScanner[]): FormatScanner[] {
  const covered = new Set<string>();
  for (const f of list) for (const c of f.covers ?? []) covered.add(c);
  return list.filter((f) => !covered.has(f.id));
}

export function findFormat(id: string, formats: readonly FormatScanner[] = FORMATS): FormatScanner | undefined {
  return formats.find((f) => f.id === id);
}

export function makeProbe(src: ByteSource): Probe {
  const head = src.read(0, Math.min(SNIFF_BYTES, src.size));
  let tail: Uint8Array | undefined;
  return {
    head,
    size: src.size,
    tail(): Uint8Array {
      if (tail === undefined) {
        const n = Math.min(TAIL_BYTES, src.size);
        tail = src.read(src.size - n, n);
      }
      return tail;
    },
  };
}
