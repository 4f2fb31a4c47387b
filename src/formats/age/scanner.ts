/**
 * age-encrypted content (age-encryption.org/v1, binary or armored). The
 * engine decrypts a whole file when the user gives an identity
 * (`scan -i`, see `scanFile`); anything still encrypted when it reaches a
 * scanner (no identity, or an encrypted member inside an archive) cannot be
 * analysed and says so.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { defineRules } from '../../findings/rules.js';
import { looksLikeAge } from '../../age/magic.js';

defineRules([
  {
    id: 'age/encrypted',
    title: 'Encrypted with age',
    severity: 'unscannable',
    help: 'The content is encrypted (age-encryption.org/v1). Give an identity (modelguard scan -i IDENTITY) to scan it decrypted in memory; no plaintext is written to disk.',
    references: ['https://age-encryption.org/v1'],
  },
]);

export const ageFormat: FormatScanner = {
  id: 'age',
  title: 'age-encrypted file',
  sniff(probe: Probe): boolean {
    return looksLikeAge(probe.head);
  },
  scan(_src: ByteSource, ctx: ScanContext): Promise<void> {
    ctx.report({ rule: 'age/encrypted', severity: 'unscannable', message: 'age-encrypted content; scan it with -i IDENTITY to decrypt it in memory' });
    return Promise.resolve();
  },
};
