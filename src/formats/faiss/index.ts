/**
 * The float indexes of `faiss.read_index`, walked field by field as
 * FAISS's `impl/index_read.cpp` reads them (`read_index`,
 * `read_index_header`, `read_ivf_header`, `read_InvertedLists`,
 * `read_VectorTransform`, `read_ProductQuantizer`, `read_ScalarQuantizer`,
 * `read_HNSW`): every count is checked against the bytes left and every
 * structural value against what `write_index` writes (the two header
 * words of 2^20, bools of 0 or 1, metric ids, vector sizes a flat index
 * or a product quantizer implies). Index types not walked here are
 * `E_UNSUPPORTED`: recognised, not read, never passed.
 */
import { ModelguardError } from '../../errors.js';
import { FaissCursor, MAX_DIMS, MAX_FAISS_DEPTH, MAX_LISTS, MAX_TRANSFORMS } from './cursor.js';

/** `write_index_header` writes two unused `idx_t` words, each 1 << 20. */
const HEADER_WORD = 1 << 20;

/** FAISS `MetricType` values (`MetricType.h`): inner product, L2, L1, Linf, Lp, then 20 and up (Canberra, BrayCurtis, JensenShannon, Jaccard, NaN-Euclidean, ABS inner product, Gower). */
function knownMetric(m: number): boolean {
  return (m >= 0 && m <= 4) || (m >= 20 && m <= 40);
}

/** Float index fourccs `read_index` accepts (as of FAISS 1.7-1.12), walked or not. */
export const FLOAT_INDEX_CODES: ReadonlySet<string> = new Set(
  (
    'IxFI IxF2 IxFl IxHE IxHe IxPQ IxPo IxPq IxRQ IxRq IxLS IxPR IxPL ImRQ ILfs IRfs IPRf IPLf IVLf IVRf NPLf NPRf IvFl IvFL IwFd IwFl ' +
    'IxSQ IxLa IvSQ IwSQ IwSq IwLS IwRQ IwPL IwPR IwSh IvPQ IvQR IwPQ IwQR IwIQ IxPT Imiq IxRF IxMp IxM2 Ix2L IHNf IHNp IHNs IHN2 IHNc ' +
    'INSf INSp INSs INNf IPfs IwPf IRMf IRMh'
  ).split(' '),
);

interface Header {
  d: number;
  ntotal: number;
  trained: boolean;
}

/** `read_index_header`: d, ntotal, two words of 2^20, is_trained, metric_type (and its float argument past 1). */
export function indexHeader(f: FaissCursor): Header {
  const c = f.c;
  const d = f.count32('d', MAX_DIMS);
  const ntotal = f.size('ntotal');
  for (const w of ['header word 1', 'header word 2']) {
    const at = c.pos;
    const v = c.i64(w);
    if (v !== BigInt(HEADER_WORD)) f.malformed(`${w} is ${v}, write_index writes ${HEADER_WORD}`, at);
  }
  const trained = f.bool('is_trained');
  const at = c.pos;
  const metric = c.i32('metric_type');
  if (!knownMetric(metric)) f.malformed(`unknown metric type ${metric}`, at);
  if (metric > 1) f.f32('metric_arg');
  return { d, ntotal, trained };
}

/** `read_VectorTransform`: a linear map (random rotation, PCA, ITQ), a remap, a normalisation or a centring. */
function vectorTransform(f: FaissCursor, depth: number): string {
  if (depth > MAX_FAISS_DEPTH) throw new ModelguardError('E_LIMIT', `FAISS: transforms nested deeper than ${MAX_FAISS_DEPTH}`, { offset: f.c.pos });
  const at = f.c.pos;
  const h = f.fourcc();
  switch (h) {
    case 'rrot':
    case 'PCAm':
    case 'PcAm':
    case 'Pcam':
    case 'Viqm':
    case 'LTra':
      if (h === 'PCAm' || h === 'PcAm' || h === 'Pcam') {
        f.f32('eigen_power');
        if (h === 'Pcam') f.f32('epsilon');
        f.bool('random_rotation');
        if (h !== 'PCAm') f.i32('balanced_bins');
        f.vector(4, 'PCA mean');
        f.vector(4, 'PCA eigenvalues');
        f.vector(4, 'PCA matrix');
      } else if (h === 'Viqm') {
        f.i32('max_iter');
        f.i32('seed');
      }
      f.bool('have_bias');
      f.vector(4, 'linear map A');
      f.vector(4, 'linear map b');
      break;
    case 'RmDT':
      f.vector(4, 'dimension map');
      break;
    case 'VNrm':
      f.f32('norm');
      break;
    case 'VCnt':
      f.vector(4, 'centring mean');
      break;
    case 'Viqt':
      f.vector(4, 'ITQ mean');
      f.bool('do_pca');
      if (vectorTransform(f, depth + 1) !== 'Viqm') f.malformed('ITQ transform without its ITQ matrix', at);
      vectorTransform(f, depth + 1);
      break;
    default:
      f.malformed(`unknown vector transform ${JSON.stringify(h)}`, at);
  }
  f.count32('d_in', MAX_DIMS);
  f.count32('d_out', MAX_DIMS);
  f.bool('is_trained');
  f.kinds.push(h);
  return h;
}

/** `read_ProductQuantizer`: d, M, nbits, then M * 2^nbits * (d / M) centroid floats. */
function productQuantizer(f: FaissCursor): void {
  const at = f.c.pos;
  const d = f.size('pq d');
  const m = f.size('pq M');
  const nbits = f.size('pq nbits');
  if (m === 0 || d % m !== 0 || nbits > 24) f.malformed(`product quantizer d=${d} M=${m} nbits=${nbits}`, at);
  const n = f.vector(4, 'pq centroids');
  if (n !== 0 && n !== d * 2 ** nbits) f.malformed(`product quantizer has ${n} centroid floats, d * 2^nbits is ${d * 2 ** nbits}`, at);
}

/** `read_ScalarQuantizer`: qtype, rangestat, rangestat_arg, d, code_size, trained floats. */
function scalarQuantizer(f: FaissCursor): void {
  const at = f.c.pos;
  const qtype = f.i32('qtype');
  const rangestat = f.i32('rangestat');
  if (qtype < 0 || qtype > 16 || rangestat < 0 || rangestat > 8) f.malformed(`scalar quantizer type ${qtype}, range statistic ${rangestat}`, at);
  f.f32('rangestat_arg');
  f.size('sq d');
  f.size('sq code_size');
  f.vector(4, 'sq trained');
}

/** `read_HNSW`: level probabilities, neighbour counts, levels, offsets, neighbours, then five ints. */
export function hnsw(f: FaissCursor, ntotal: number): void {
  f.vector(8, 'hnsw assign_probas');
  f.vector(4, 'hnsw cum_nneighbor_per_level');
  const at = f.c.pos;
  const levels = f.vector(4, 'hnsw levels');
  if (levels !== ntotal) f.malformed(`HNSW has levels for ${levels} vectors, the index holds ${ntotal}`, at);
  f.vector(8, 'hnsw offsets');
  f.vector(4, 'hnsw neighbors');
  for (const w of ['entry_point', 'max_level', 'efConstruction', 'efSearch', 'upper_beam']) f.i32(w);
}

/** `read_direct_map`: the type byte, an id array, and for a hash table its (id, id) pairs. */
function directMap(f: FaissCursor): void {
  const at = f.c.pos;
  const type = f.c.u8('direct map type');
  if (type > 2) f.malformed(`direct map type ${type}`, at);
  f.vector(8, 'direct map');
  if (type === 2) f.vector(16, 'direct map hash table');
}

/** `read_InvertedLists` for in-file (`ilar`) lists: per list its codes then its ids. */
export function invertedLists(f: FaissCursor, nlist: number, codeSize: number | undefined): void {
  const at = f.c.pos;
  const h = f.fourcc();
  if (h === 'il00') return;
  // Other list types (`ilod`, on-disk lists) live in another file the reader opens: not walked.
  if (h !== 'ilar') throw new ModelguardError('E_UNSUPPORTED', `FAISS: inverted lists of type ${JSON.stringify(h)} are not walked`, { offset: at });
  const n = f.size('invlists nlist');
  const cs = f.size('invlists code_size');
  if (n !== nlist || (codeSize !== undefined && cs !== codeSize))
    f.malformed(`inverted lists of ${n} lists of ${cs}-byte codes in an index of ${nlist} lists`, at);
  const listType = f.fourcc();
  let sizes: number[];
  if (listType === 'full') {
    sizes = f.sizes('list sizes');
    if (sizes.length !== n) f.malformed(`${sizes.length} list sizes for ${n} lists`, at);
  } else if (listType === 'sprs') {
    const pairs = f.sizes('sparse list sizes');
    if (pairs.length % 2 !== 0) f.malformed('odd sparse list size table', at);
    sizes = [];
    for (let i = 0; i < pairs.length; i += 2) {
      if ((pairs[i] ?? n) >= n) f.malformed(`sparse list number ${pairs[i]} of ${n}`, at);
      sizes.push(pairs[i + 1] ?? 0);
    }
  } else {
    return f.malformed(`unknown list type ${JSON.stringify(listType)}`, at);
  }
  for (const s of sizes) {
    if (s === 0) continue;
    const codes = s * cs;
    if (!Number.isSafeInteger(codes) || codes > f.c.remaining) f.malformed(`a list of ${s} codes of ${cs} bytes does not fit the bytes left`);
    f.raw(codes, 'list codes');
    f.raw(s * 8, 'list ids');
  }
}

/** `read_ivf_header`: the index header, nlist, nprobe, the coarse quantizer, the direct map. */
function ivfHeader(f: FaissCursor, depth: number): Header & { nlist: number } {
  const h = indexHeader(f);
  const at = f.c.pos;
  const nlist = f.size('nlist');
  if (nlist > MAX_LISTS) throw new ModelguardError('E_LIMIT', `FAISS: ${nlist} inverted lists (limit ${MAX_LISTS})`, { offset: at });
  f.size('nprobe');
  floatIndex(f, depth + 1, false);
  directMap(f);
  return { ...h, nlist };
}

/**
 * `read_index`: one index and the sub-indexes it holds. `nested` allows the
 * `null` placeholder FAISS writes for a missing sub-index.
 */
export function floatIndex(f: FaissCursor, depth: number, top: boolean): void {
  if (depth > MAX_FAISS_DEPTH) throw new ModelguardError('E_LIMIT', `FAISS: indexes nested deeper than ${MAX_FAISS_DEPTH}`, { offset: f.c.pos });
  const at = f.c.pos;
  const code = f.fourcc();
  if (code === 'null' && !top) return;
  f.kinds.push(code);
  switch (code) {
    case 'IxFI':
    case 'IxF2':
    case 'IxFl': {
      const h = indexHeader(f);
      const n = f.vector(4, 'flat vectors');
      if (n !== h.ntotal * h.d) f.malformed(`flat index of ${h.ntotal} vectors of ${h.d} floats stores ${n} floats`, at);
      return;
    }
    case 'IxHE':
    case 'IxHe':
      indexHeader(f);
      f.count32('nbits');
      f.bool('rotate_data');
      f.bool('train_thresholds');
      f.vector(4, 'thresholds');
      f.count32('code_size');
      if (vectorTransform(f, depth + 1) !== 'rrot') f.malformed('LSH index without its random rotation', at);
      f.vector(1, 'codes');
      return;
    case 'IxPQ':
    case 'IxPo':
    case 'IxPq':
      indexHeader(f);
      productQuantizer(f);
      f.vector(1, 'codes');
      if (code !== 'IxPQ') {
        f.i32('search_type');
        f.bool('encode_signs');
        f.i32('polysemous_ht');
      }
      return;
    case 'IxSQ':
      indexHeader(f);
      scalarQuantizer(f);
      f.vector(1, 'codes');
      return;
    case 'IwFl': {
      const h = ivfHeader(f, depth);
      invertedLists(f, h.nlist, h.d * 4);
      return;
    }
    case 'IwSQ':
    case 'IwSq': {
      const h = ivfHeader(f, depth);
      scalarQuantizer(f);
      const cs = f.size('code_size');
      if (code === 'IwSq') f.bool('by_residual');
      invertedLists(f, h.nlist, cs);
      return;
    }
    case 'IwPQ':
    case 'IwQR': {
      const h = ivfHeader(f, depth);
      f.bool('by_residual');
      const cs = f.size('code_size');
      productQuantizer(f);
      invertedLists(f, h.nlist, cs);
      if (code === 'IwQR' && h.trained) {
        productQuantizer(f);
        f.vector(1, 'refine codes');
        f.f32('k_factor');
      }
      return;
    }
    case 'IxPT': {
      indexHeader(f);
      const nt = f.count32('transform count', MAX_TRANSFORMS);
      for (let i = 0; i < nt; i++) vectorTransform(f, depth + 1);
      floatIndex(f, depth + 1, false);
      return;
    }
    case 'IxRF':
      indexHeader(f);
      floatIndex(f, depth + 1, false);
      floatIndex(f, depth + 1, false);
      f.f32('k_factor');
      return;
    case 'IxMp':
    case 'IxM2': {
      const h = indexHeader(f);
      floatIndex(f, depth + 1, false);
      const ids = f.vector(8, 'id map');
      if (ids !== h.ntotal) f.malformed(`id map of ${ids} ids for ${h.ntotal} vectors`, at);
      return;
    }
    case 'IHNf':
    case 'IHNp':
    case 'IHNs':
    case 'IHN2': {
      const h = indexHeader(f);
      hnsw(f, h.ntotal);
      floatIndex(f, depth + 1, false);
      return;
    }
    case 'IRMf':
    case 'IRMh':
      indexHeader(f);
      floatIndex(f, depth + 1, false);
      return;
    default:
      if (FLOAT_INDEX_CODES.has(code)) {
        throw new ModelguardError('E_UNSUPPORTED', `FAISS: index type ${code} is recognised but its layout is not walked`, { offset: at });
      }
      f.malformed(`unknown index type ${JSON.stringify(code)}`, at);
  }
}
