/**
 * joblib's array format: `joblib.dump` pickles a `NumpyArrayWrapper` and
 * then writes the array's bytes straight into the stream, after the
 * wrapper's BUILD (joblib/numpy_pickle.py, `NumpyUnpickler.load_build`).
 * To follow the stream we must skip those bytes exactly as joblib reads
 * them: an optional alignment padding (1 length byte + padding), then
 * count x itemsize bytes; or, for object arrays, a whole nested pickle,
 * which joblib loads with `pickle.load` and which we analyse.
 */
import { ModelguardError } from '../../errors.js';
import { dtypeFromPickle } from '../numpy/dtype.js';
import type { MachineHooks } from '../pickle/machine.js';
import { PickleMachine } from '../pickle/machine.js';
import type { PickleReader } from '../pickle/reader.js';
import { PyDict, PyObject, PyTuple, type PyValue } from '../pickle/values.js';
import type { Limits } from '../limits.js';

export const JOBLIB_WRAPPER = 'joblib.numpy_pickle.NumpyArrayWrapper';

function shapeCount(shape: PyValue | undefined): bigint | undefined {
  if (!(shape instanceof PyTuple) || shape.truncated) return undefined;
  let n = 1n;
  for (const d of shape.items) {
    if (typeof d !== 'number' && typeof d !== 'bigint') return undefined;
    const b = BigInt(d);
    if (b < 0n) return undefined;
    n *= b;
  }
  return n;
}

/** Counts wrappers seen, for the report. */
export interface JoblibStats {
  arrays: number;
  objectArrays: number;
  dataBytes: number;
}

/**
 * Makes an `afterBuild` hook. `hooks` analyse nested object-array pickles
 * with the same policy; `stats` collects what was skipped.
 */
export function joblibAfterBuild(limits: Limits, stats: JoblibStats): (target: PyValue, state: PyValue, reader: PickleReader, hooks: MachineHooks) => void {
  return (target, state, reader, hooks) => {
    if (!(target instanceof PyObject) || target.owner?.full !== JOBLIB_WRAPPER || !(state instanceof PyDict)) return;
    const at = reader.pos;
    const dtype = dtypeFromPickle(state.get('dtype'));
    const count = shapeCount(state.get('shape'));
    if (dtype === undefined || count === undefined) {
      throw new ModelguardError('E_MALFORMED', `joblib array wrapper at ${at} has no readable shape/dtype`, { offset: at });
    }
    stats.arrays++;
    if (dtype.hasObject) {
      // joblib: array = pickle.load(unpickler.file_handle)
      stats.objectArrays++;
      const nested = new PickleMachine(reader, hooks, { limits, retainItems: 64 });
      nested.run();
      return;
    }
    if (state.get('numpy_array_alignment_bytes') !== undefined && state.get('numpy_array_alignment_bytes') !== null) {
      const pad = reader.take(1, 'joblib padding length')[0] as number;
      reader.skip(pad, 'joblib padding');
    }
    const bytes = count * BigInt(dtype.itemsize);
    if (bytes > BigInt(reader.remaining)) {
      throw new ModelguardError(
        'E_TRUNCATED',
        `joblib array at ${reader.pos} declares ${bytes} bytes (${count} x ${dtype.itemsize}), only ${reader.remaining} left`,
        { offset: reader.pos },
      );
    }
    reader.skip(Number(bytes), 'joblib array data');
    stats.dataBytes += Number(bytes);
  };
}
