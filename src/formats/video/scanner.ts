/**
 * Video and still-image containers beside the audio and image families:
 * ISO base media (MP4, MOV, M4A, 3GP, HEIC, AVIF) and AVI. Claimed only
 * when nothing else claims the bytes, after a structural check, and walked
 * as a pickle from byte 0 first (`inert.ts`), like every inert format.
 */
import { inertFormat } from '../inert.js';
import { isoMedia } from '../iso-media/recogniser.js';
import { avi } from './avi.js';

export const videoFormat = inertFormat({
  id: 'video',
  title: 'video or ISO media',
  kind: 'media',
  rule: {
    id: 'media/video',
    title: 'Video, ISO media or HEIF/AVIF file',
    severity: 'info',
    help: 'An ISO base media file (MP4, MOV, M4A, 3GP, HEIC, AVIF) whose boxes tile the file and its containers, holding a movie or an image whose chunk offsets and item locations point inside its media data, or an AVI whose RIFF chunks tile the file with its header first and its index inside the movie list. Players and decoders read these; no model loader does, and no other format was found in the bytes.',
    references: [
      'https://www.iso.org/standard/83102.html',
      'https://developer.apple.com/documentation/quicktime-file-format',
      'https://learn.microsoft.com/en-us/windows/win32/directshow/avi-riff-file-reference',
    ],
  },
  members: [isoMedia, avi],
});
