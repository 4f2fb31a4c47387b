/**
 * Finding rules for compressed wrappers (gzip, zlib, bzip2, xz, lzma, lz4, zstd):
 * what the stream itself says about the file, apart from what it holds.
 */
import { defineRules, type RuleInfo } from '../../findings/rules.js';

const CWE_409 = 'https://cwe.mitre.org/data/definitions/409.html';

export const COMPRESS_RULES = {
  truncated: {
    id: 'compress/truncated',
    title: 'Compressed stream ends early',
    severity: 'suspicious',
    help: 'The stream stops before its end marker. Python readers (gzip, bz2, lzma, joblib) hand out the bytes decoded so far and raise only when they run out, so a payload at the start still runs: the partial data is scanned. Truncated wrappers also hide payloads from scanners that give up on the error (nullifAI).',
    references: ['https://www.reversinglabs.com/blog/rl-identifies-malware-ml-model-hosted-on-hugging-face'],
  },
  corrupt: {
    id: 'compress/corrupt',
    title: 'Corrupt compressed data',
    severity: 'suspicious',
    help: 'The stream holds invalid codes or a bad header. Everything decoded before the break is scanned; the loader fails at the break, after it has already used the data before it.',
  },
  checksum: {
    id: 'compress/checksum-mismatch',
    title: 'Checksum mismatch in a compressed stream',
    severity: 'suspicious',
    help: 'The decoded data does not match the CRC or size the stream records. Python raises only after handing out the data, so a payload before the check still runs; a deliberate mismatch hides content from tools that verify first.',
  },
  trailing: {
    id: 'compress/trailing-data',
    title: 'Data after the compressed stream',
    severity: 'suspicious',
    help: "Non-zero bytes follow the last complete stream. Python's readers ignore them or fail on them after loading; either way they are room to hide content that this loader never reads.",
  },
  bomb: {
    id: 'compress/bomb',
    title: 'Decompression bomb',
    severity: 'unscannable',
    help: 'The stream inflates past the size or ratio limit (limits.maxInflatedBytes across every layer of the file, limits.maxInflateRatio once past 1 MiB). Decoding stopped at the first byte over; the bytes decoded before were scanned, the rest was not.',
    references: [CWE_409],
  },
} as const satisfies Record<string, RuleInfo>;

defineRules(Object.values(COMPRESS_RULES));
