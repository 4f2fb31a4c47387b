/**
 * Every format scanner, in sniffing order: the most specific magic numbers
 * first. Adding a format is one import and one line here.
 */
import type { FormatScanner } from '../scan/format.js';
import { hdf5Format } from './keras/h5-scanner.js';
import { kerasJsonFormat } from './keras/json-scanner.js';
import { joblibFormat } from './joblib/scanner.js';
import { pickleFormat } from './pickle/scanner.js';
import { checkpointIndexFormat, fingerprintFormat, graphDefFormat, kerasMetadataFormat, savedModelFormat } from './tensorflow/scanner.js';
import { textFormat } from './text/scanner.js';
import { torchLegacyFormat } from './torch/legacy.js';
import { torchTarFormat } from './torch/tar-checkpoint.js';
import { zipFormat } from './zip/scanner.js';

export const FORMATS: FormatScanner[] = [zipFormat, hdf5Format, torchTarFormat, torchLegacyFormat, joblibFormat, pickleFormat, kerasJsonFormat, savedModelFormat, graphDefFormat, kerasMetadataFormat, fingerprintFormat, checkpointIndexFormat, textFormat];
