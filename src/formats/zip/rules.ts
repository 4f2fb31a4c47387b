/** Finding rules for zip containers: one per anomaly kind. */
import type { ZipAnomalyKind } from '../../containers/zip/archive.js';
import type { Severity } from '../../findings/finding.js';
import { defineRules } from '../../findings/rules.js';

const APPNOTE = 'https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT';

export const ZIP_ANOMALY_SEVERITY: Record<ZipAnomalyKind | 'crc-mismatch', Severity> = {
  'prefix-data': 'suspicious',
  'duplicate-name': 'suspicious',
  'name-mismatch': 'suspicious',
  'flag-mismatch': 'suspicious',
  'hidden-entry': 'suspicious',
  'unaccounted-bytes': 'suspicious',
  'overlapping-entries': 'suspicious',
  'unsafe-name': 'suspicious',
  'bad-name-encoding': 'info',
  encrypted: 'unscannable',
  'entry-count-mismatch': 'suspicious',
  'bad-zip64': 'suspicious',
  'reader-disagreement': 'suspicious',
  'crc-mismatch': 'suspicious',
};

const HELP: Record<ZipAnomalyKind | 'crc-mismatch', [string, string]> = {
  'prefix-data': [
    'Data before the zip archive',
    'The archive does not start at offset 0. Loaders that check the magic at offset 0 (torch.load) and zipfile-based scanners then read different files: a classic way to show scanners a clean zip.',
  ],
  'duplicate-name': [
    'Duplicate entry name',
    'Two central-directory entries share a name; readers disagree on which one they return (zipfile the last, miniz/torch possibly the first).',
  ],
  'name-mismatch': [
    'Local header name differs from the central directory',
    'zipfile refuses such entries, torch (miniz) reads them: scanners built on zipfile skip what torch loads.',
  ],
  'flag-mismatch': [
    'Local header flags differ from the central directory',
    'For example an encryption bit set only in the local header: local-header walkers skip the entry, torch reads it.',
  ],
  'hidden-entry': [
    'Entry missing from the central directory',
    'A local file header that the central directory does not list: some tools see it, others do not.',
  ],
  'unaccounted-bytes': ['Bytes outside every entry', 'Bytes between entries belong to no listed entry: room to hide content.'],
  'overlapping-entries': ['Overlapping entries', 'Two entries share bytes, a zip-bomb and polyglot technique.'],
  'unsafe-name': [
    'Unsafe entry name',
    'An absolute path, a `..` component, a backslash or NUL: extracting the archive can write outside the target directory (zip slip).',
  ],
  'bad-name-encoding': ['Badly encoded entry name', 'The name is flagged UTF-8 but is not valid UTF-8.'],
  encrypted: ['Encrypted entry', 'The entry is encrypted and cannot be analysed.'],
  'entry-count-mismatch': ['Entry count mismatch', 'The end-of-central-directory record and the directory disagree on the number of entries.'],
  'bad-zip64': ['Broken Zip64 record', 'A Zip64 locator points at no valid Zip64 end record; readers fall back differently.'],
  'reader-disagreement': [
    'Loaders read different archives',
    "The end-of-central-directory record is searched for, and PyTorch's miniz (the last signature in the final ~64 KiB, directory at its absolute offset, Zip64 record where the locator points) and Python's zipfile used by numpy.load and Keras (an empty-comment record at the very end, else the last signature; directory right before the end records; Zip64 record right before the locator) can pick different records or directories. A second end record inside a comment, a directory offset that disagrees with where the directory sits, or two Zip64 records show each loader a different archive. Every reading is analysed; the members only one loader sees decide the verdict.",
  ],
  'crc-mismatch': [
    'CRC-32 mismatch',
    'The entry data does not match its CRC-32: zipfile raises "Bad CRC-32", torch (miniz) loads it anyway, so zipfile-based scanners miss what torch runs.',
  ],
};

export function zipRuleId(kind: ZipAnomalyKind | 'crc-mismatch'): string {
  return `zip/${kind}`;
}

defineRules(
  (Object.keys(HELP) as (ZipAnomalyKind | 'crc-mismatch')[]).map((k) => ({
    id: zipRuleId(k),
    title: HELP[k][0],
    help: HELP[k][1],
    severity: ZIP_ANOMALY_SEVERITY[k],
    references: [APPNOTE],
  })),
);
