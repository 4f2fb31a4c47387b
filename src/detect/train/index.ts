/**
 * Reproducible training: public data + generated data -> `model-data.ts`
 * text. `scripts/detect/train.mjs` writes it; a test checks the committed
 * file is exactly what this returns.
 */
import { generatedRecords, packLibrary, readPublic, toExamples, type Example, type Record_ } from './dataset.js';
import { emitModelData } from './emit.js';
import { DEFAULT_TRAINING, offsets, quantise, train, type TrainOptions } from './logistic.js';
import { modelFrom, type Model } from '../model.js';

export { readPublic, generatedRecords, toExamples, type Example, type Record_ } from './dataset.js';

/** Trains on `examples` and returns the model as inference will see it (quantised weights). */
export function fitModel(
  examples: readonly Example[],
  o: TrainOptions = DEFAULT_TRAINING,
): { model: Model; scale: number; q: Int8Array; bias: number; library: Uint16Array } {
  const { bias, weights } = train(examples, offsets(examples, examples), o);
  const { scale, q } = quantise(weights);
  const library = packLibrary(examples);
  const w = new Float64Array(q.length);
  for (let i = 0; i < q.length; i++) w[i] = (q[i] as number) * scale;
  const b = Number(bias.toPrecision(8));
  return { model: modelFrom(b, w, library), scale, q, bias: b, library };
}

export function trainModelData(dataDir: string): string {
  const records: Record_[] = [...readPublic(dataDir), ...generatedRecords()];
  const examples = toExamples(records);
  const fit = fitModel(examples);
  const attacks = records.filter((r) => r.attack).length;
  return emitModelData(fit.bias, fit.scale, fit.q, fit.library, {
    examples: records.length,
    attacks,
    benign: records.length - attacks,
    generated: records.filter((r) => r.group === 'generated').length,
    libraryEntries: fit.library.length / 32,
  });
}
