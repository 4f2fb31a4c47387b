/**
 * Gradient-boosting estimators pickled with pickle or joblib: XGBoost,
 * LightGBM and CatBoost scikit-learn wrappers and their boosters. Exact
 * names only (no patterns): each class below was read in its library's
 * source for what unpickling it runs.
 *
 * - The scikit-learn wrappers (`xgboost.sklearn.XGBModel` and subclasses,
 *   `lightgbm.sklearn.LGBMModel` and subclasses) inherit
 *   `BaseEstimator.__setstate__`, which checks a version key and updates
 *   `__dict__`: instantiated with `__new__`, state is plain values, arrays
 *   and a booster.
 * - `xgboost.core.Booster.__setstate__` hands the `handle` bytes (the model
 *   in XGBoost's own binary/UBJSON format) to the C library's
 *   `XGBoosterUnserializeFromBuffer`; `lightgbm.basic.Booster.__setstate__`
 *   hands the `handle` string (a LightGBM text model) to
 *   `LGBM_BoosterLoadModelFromString`; `catboost.core.CatBoost.__setstate__`
 *   passes `__model` bytes to `_deserialize_model` (CatBoost's FlatBuffers
 *   model). Each parses numbers into trees; none imports or calls anything
 *   named by the pickle.
 * A callable stored in a wrapper (a custom objective or metric) is a global
 * of its own and is judged by its own name.
 */
import type { AllowEntry } from '../types.js';

const WRAPPER = 'a scikit-learn wrapper: rebuilt with __new__ and BaseEstimator.__setstate__ (a __dict__ update of parameters, arrays and a booster)';
const uses = ['new', 'build', 'arg'] as const;

export const BOOSTING_ALLOW: readonly AllowEntry[] = [
  ...['XGBModel', 'XGBClassifier', 'XGBRegressor', 'XGBRanker', 'XGBRFClassifier', 'XGBRFRegressor'].map((c): AllowEntry => ({
    name: `xgboost.sklearn.${c}`,
    uses,
    why: `XGBoost ${WRAPPER}`,
  })),
  {
    name: 'xgboost.core.Booster',
    uses,
    why: "XGBoost booster: __setstate__ passes the pickled model bytes to the C library's XGBoosterUnserializeFromBuffer, which parses trees",
  },
  ...['LGBMModel', 'LGBMClassifier', 'LGBMRegressor', 'LGBMRanker'].map((c): AllowEntry => ({
    name: `lightgbm.sklearn.${c}`,
    uses,
    why: `LightGBM ${WRAPPER}`,
  })),
  {
    name: 'lightgbm.basic.Booster',
    uses,
    why: 'LightGBM booster: __setstate__ passes the pickled model text to LGBM_BoosterLoadModelFromString, which parses trees',
  },
  {
    // LightGBM's label encoder for classifiers: sklearn.preprocessing.LabelEncoder under its own name (lightgbm/compat.py).
    name: 'lightgbm.compat._LGBMLabelEncoder',
    uses,
    why: "LightGBM's alias of scikit-learn's LabelEncoder: a classes_ array",
  },
  ...['CatBoost', 'CatBoostClassifier', 'CatBoostRegressor', 'CatBoostRanker'].map((c): AllowEntry => ({
    name: `catboost.core.${c}`,
    uses,
    why: 'CatBoost model: __setstate__ creates the native _CatBoost object and loads the pickled __model bytes (a CatBoost model file) with _deserialize_model; the other keys are init parameters',
  })),
];
