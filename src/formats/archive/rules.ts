/**
 * Finding rules for archives (tar, 7z): entries that attack extraction
 * rather than loading. Severities follow what the usual extractor does:
 * Python's tarfile (before 3.12, and 3.12-3.13 without a filter) writes
 * `../` and absolute names, and follows links, outside the target
 * directory; py7zr (since 0.20.2) and 7-Zip refuse or strip such names.
 */
import { defineRules, type RuleInfo } from '../../findings/rules.js';

const TARFILE = 'https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter';
const CVE_2007_4559 = 'https://nvd.nist.gov/vuln/detail/CVE-2007-4559';

export const ARCHIVE_RULES = {
  tarTraversal: {
    id: 'archive/tar-path-traversal',
    title: 'tar entry writes outside the extraction directory',
    severity: 'malicious',
    help: 'An absolute name or a `..` component: tarfile.extractall() without a filter (the default before Python 3.14) writes the file wherever the name points, e.g. over ~/.bashrc or a site-packages module, which runs code later. No legitimate model archive needs it.',
    references: [CVE_2007_4559, TARFILE],
  },
  tarLinkEscape: {
    id: 'archive/tar-link-escape',
    title: 'tar link points outside the extraction directory',
    severity: 'malicious',
    help: 'A symbolic or hard link whose target is absolute or climbs out with `..`: tarfile creates it, and a later entry written through it lands outside the directory (or the link exposes a file such as ~/.ssh to the loader).',
    references: [CVE_2007_4559, 'https://nvd.nist.gov/vuln/detail/CVE-2025-4517', TARFILE],
  },
  tarLink: {
    id: 'archive/tar-link',
    title: 'tar link inside the archive',
    severity: 'info',
    help: 'A symbolic or hard link whose target stays inside the extracted tree. Harmless by itself; its target is scanned as its own entry.',
  },
  specialFile: {
    id: 'archive/special-file',
    title: 'Device or FIFO entry',
    severity: 'suspicious',
    help: 'tarfile creates device nodes (as root) and FIFOs on extraction; a FIFO makes a loader that opens it hang. No model archive needs them.',
    references: [TARFILE],
  },
  unsupportedEntry: {
    id: 'archive/unsupported-entry',
    title: 'Entry type not analysed',
    severity: 'unscannable',
    help: 'A tar entry type modelguard does not read (GNU sparse files, volume headers...): its content was not scanned.',
  },
  unsafeName: {
    id: 'archive/unsafe-name',
    title: 'Unsafe entry name in a 7z archive',
    severity: 'suspicious',
    help: 'An absolute name or a `..` component. 7-Zip and py7zr (0.20.2 and later) refuse or strip it, older py7zr wrote outside the target directory (CVE-2022-44900).',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2022-44900'],
  },
  sevenZipError: {
    id: 'archive/7z-error',
    title: '7z archive could not be read completely',
    severity: 'unscannable',
    help: '7-Zip reported an error (corrupt data, CRC failure, unsupported method, encryption, a truncated archive) listing or extracting the archive. Entries it could extract were scanned; the rest could hold anything.',
  },
} as const satisfies Record<string, RuleInfo>;

defineRules(Object.values(ARCHIVE_RULES));
