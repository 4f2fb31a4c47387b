/**
 * Data set files of formats older than the ML containers: MNIST's IDX
 * arrays, MATLAB 5 MAT-files, NetCDF classic and LMDB environments. Each
 * is recognised by its header and checked for the structure its reader
 * follows; claimed only when nothing else claims the bytes, and walked as
 * a pickle from byte 0 first (`inert.ts`), like every inert format.
 */
import { inertFormat } from '../inert.js';
import { idx } from './idx.js';
import { lmdbData, lmdbLock } from './lmdb.js';
import { matlab } from './matlab.js';
import { netcdf } from './netcdf.js';

export const datasetFilesFormat = inertFormat({
  id: 'dataset-files',
  title: 'data set file',
  kind: 'data-container',
  rule: {
    id: 'data/dataset-file',
    title: 'Data set file',
    severity: 'info',
    help: 'An IDX array (MNIST), a MATLAB 5 MAT-file, a NetCDF classic file or an LMDB data or lock file whose structure was checked (sizes the header declares, elements tiling the file, meta pages). Their readers (torchvision, scipy.io, netCDF4, lmdb) return numbers, text and bytes and call nothing from the file.',
    references: [
      'http://yann.lecun.com/exdb/mnist/',
      'https://www.mathworks.com/help/pdf_doc/matlab/matfile_format.pdf',
      'https://docs.unidata.ucar.edu/netcdf-c/current/file_format_specifications.html',
      'https://github.com/LMDB/lmdb/blob/mdb.master/libraries/liblmdb/mdb.c',
    ],
  },
  members: [idx, matlab, netcdf, lmdbData, lmdbLock],
});
