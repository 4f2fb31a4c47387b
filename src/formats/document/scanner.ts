/**
 * Documents, fonts and databases an ML project folder carries beside its
 * models: PDF papers and plots, web fonts of a demo page, the SQLite files
 * of Chroma, MLflow and Optuna. Claimed only when nothing else claims the
 * bytes, after a structural check, and walked as a pickle from byte 0
 * first (`inert.ts`), like every inert format.
 */
import { inertFormat } from '../inert.js';
import { sfnt, ttc, woff, woff2 } from './fonts.js';
import { pdf } from './pdf.js';
import { sqlite } from './sqlite.js';

export const documentFormat = inertFormat({
  id: 'document',
  title: 'document or font',
  kind: 'media',
  // A PDF written with ASCII streams is text too; its structure says more.
  covers: ['text'],
  rule: {
    id: 'media/document',
    title: 'Document or font file',
    severity: 'info',
    help: 'A PDF (startxref and the cross-reference section it points at) or a TrueType/OpenType, WOFF or WOFF2 font (table directory inside the file) whose structure was checked. Viewers and font renderers read these; no model loader does, and no other format was found in the bytes.',
    references: ['https://learn.microsoft.com/en-us/typography/opentype/spec/otff', 'https://www.w3.org/TR/WOFF2/'],
  },
  members: [pdf, sfnt, ttc, woff, woff2],
});

export const databaseFormat = inertFormat({
  id: 'database',
  title: 'database',
  kind: 'data-container',
  rule: {
    id: 'data/sqlite',
    title: 'SQLite database',
    severity: 'info',
    help: "A SQLite 3 database (Chroma's chroma.sqlite3, MLflow, Optuna) whose header and page structure were checked. sqlite3 reads rows and runs nothing stored in the file; no model loader opens it.",
    references: ['https://www.sqlite.org/fileformat2.html'],
  },
  members: [sqlite],
});
