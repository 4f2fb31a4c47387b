/** Gradient-boosting models saved by their libraries' own writers (not pickled): XGBoost and LightGBM. */
import { inertFormat } from '../inert.js';
import { lightgbm } from './lightgbm.js';
import { xgboostBinary, xgboostJson, xgboostUbj } from './xgboost.js';

export const boostingFormat = inertFormat({
  id: 'boosting-model',
  title: 'gradient-boosting model',
  kind: 'model-data-only',
  // JSON and text models are text too: the model reading says more.
  covers: ['text'],
  rule: {
    id: 'boosting/model',
    title: 'Gradient-boosting model',
    severity: 'info',
    help: 'An XGBoost (JSON, UBJSON or binary) or LightGBM (text) model file checked to its end: trees of thresholds and leaf values parsed by the library, no code. Pickled estimators are a different matter: see the pickle findings.',
    references: ['https://xgboost.readthedocs.io/en/stable/tutorials/saving_model.html', 'https://lightgbm.readthedocs.io/en/latest/Python-API.html'],
  },
  members: [xgboostBinary, xgboostUbj, xgboostJson, lightgbm],
});
