/**
 * Media a model repository or a data set carries: model-card images and
 * the audio and images of speech and vision data sets. No model loader
 * executes them: pickle, torch.load, numpy and joblib fail on their first
 * byte (checked for every file: see `breaksAsPickle`). They are claimed
 * only when nothing else claims the bytes (a zip appended to an image is
 * still walked as a zip, an HDF5 signature after a user block is still
 * read as HDF5), and only after a structural check of the format.
 */
import { inertFormat } from '../inert.js';
import { aiff } from './aiff.js';
import { au } from './au.js';
import { bmp, ico, pnm, tiff } from './bitmaps.js';
import { flac } from './flac.js';
import { matroska } from './matroska.js';
import { mp3 } from './mp3.js';
import { ogg } from './ogg.js';
import { sphere } from './sphere.js';
import { wav } from './wav.js';
import { gif, jpeg, png, webp } from './web-images.js';

export const imageFormat = inertFormat({
  id: 'image',
  title: 'image',
  kind: 'media',
  // A binary Netpbm header is ASCII (`P5 640 480 255`) and its raster may read as 8-bit text; the header says more.
  covers: ['text'],
  rule: {
    id: 'media/image',
    title: 'Image file',
    severity: 'info',
    help: 'A PNG, JPEG, GIF, WebP, BMP, TIFF, Netpbm or ICO image whose structure was checked. Model loaders do not read images, and no other format was found in the bytes.',
  },
  members: [png, jpeg, gif, webp, bmp, tiff, pnm, ico],
});

export const audioFormat = inertFormat({
  id: 'audio',
  title: 'audio',
  kind: 'media',
  rule: {
    id: 'media/audio',
    title: 'Audio file',
    severity: 'info',
    help: 'A WAV, AIFF, FLAC, MP3, Ogg, Sun audio, NIST SPHERE or Matroska/WebM file whose structure was checked (chunks or elements tile the file, frames chain, page CRCs match). Model loaders do not execute audio, and no other format was found in the bytes.',
  },
  members: [wav, aiff, flac, ogg, au, sphere, matroska, mp3],
});
