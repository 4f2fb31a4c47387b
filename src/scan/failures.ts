/**
 * How errors become findings. A format scanner throws a `ModelguardError`
 * when bytes break its format or a limit stops it; the engine (through
 * `ScanContext.fail`) turns each code into a finding, keeping whatever was
 * reported before the throw. Anything else is a bug, reported as
 * `unscannable`, never as `clean`.
 */
import { AgeError } from '../age/errors.js';
import { ModelguardError, describeError } from '../errors.js';
import type { FindingInput } from '../findings/finding.js';
import { defineRules } from '../findings/rules.js';

defineRules([
  {
    id: 'engine/unknown-format',
    title: 'Unknown format',
    severity: 'unscannable',
    help: 'No scanner recognised these bytes (formats are detected by content, not by file name): not a pickle, zip, tar, HDF5 or any model, media, data or repository format modelguard knows. An unread file is never reported clean unless --unknown-as clean is given.',
  },
  {
    id: 'engine/unknown-data',
    title: 'Unknown data counted clean',
    severity: 'info',
    help: 'No scanner recognised these bytes, and the scan was asked to count such blobs clean (--unknown-as clean). Every format a loader runs code from has a signature or structure modelguard recognises, so bytes that match none are raw data to those loaders.',
  },
  {
    id: 'engine/malformed',
    title: 'Malformed input',
    severity: 'suspicious',
    help: 'The bytes break the rules of their format, so loaders will fail on them. Broken streams are a known way to hide payloads from scanners (nullifAI); findings before the break are still reported.',
  },
  {
    id: 'engine/limit',
    title: 'Resource limit reached',
    severity: 'unscannable',
    help: 'Analysis stopped at a resource limit (size, depth, count or inflation). The rest of the input was not read; raise the limit only for trusted sources.',
  },
  {
    id: 'engine/unsupported',
    title: 'Unsupported content',
    severity: 'unscannable',
    help: 'The content is valid but this version cannot analyse it (for example an unsupported compression method).',
  },
  {
    id: 'engine/internal-error',
    title: 'Internal error',
    severity: 'unscannable',
    help: 'The scanner failed unexpectedly on this input. Please report it (see SECURITY.md); the file is not considered clean.',
  },
  {
    id: 'age/decrypt-failed',
    title: 'Encrypted file does not decrypt',
    severity: 'unscannable',
    help: 'The age file could not be decrypted with the given identities, or a chunk failed authentication (truncated or tampered ciphertext). Nothing from it was scanned.',
  },
  {
    id: 'engine/io-error',
    title: 'I/O error',
    severity: 'unscannable',
    help: 'The file could not be read.',
  },
]);

/** The finding an error thrown while scanning `formatId` becomes. */
export function findingForError(e: unknown, formatId: string): FindingInput {
  const offset = e instanceof ModelguardError && e.offset !== undefined ? { offset: e.offset } : {};
  if (e instanceof AgeError) return { rule: 'age/decrypt-failed', severity: 'unscannable', message: `${e.code}: ${e.message}` };
  if (e instanceof ModelguardError) {
    switch (e.code) {
      case 'E_TRUNCATED':
      case 'E_MALFORMED':
        return { rule: 'engine/malformed', severity: 'suspicious', message: `${formatId}: ${e.message}`, location: offset };
      case 'E_LIMIT':
        return { rule: 'engine/limit', severity: 'unscannable', message: `${formatId}: ${e.message}`, location: offset };
      case 'E_UNSUPPORTED':
        return { rule: 'engine/unsupported', severity: 'unscannable', message: `${formatId}: ${e.message}`, location: offset };
      case 'E_IO':
        return { rule: 'engine/io-error', severity: 'unscannable', message: e.message, location: offset };
      default:
        break;
    }
  }
  return { rule: 'engine/internal-error', severity: 'unscannable', message: `${formatId}: internal error: ${describeError(e)}`, location: offset };
}
