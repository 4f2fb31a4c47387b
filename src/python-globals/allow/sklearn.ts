/**
 * scikit-learn / joblib profile: estimators and their helper objects, and
 * joblib's array wrappers (SciPy sparse matrices are in `scipy.ts`).
 *
 * scikit-learn estimators are plain classes whose __setstate__ (from
 * BaseEstimator) checks a version and updates __dict__; Cython helpers
 * (trees, losses) are rebuilt by calling the class with sizes and then
 * BUILD with arrays. Classes are told from functions by PEP 8 naming
 * (`{Class}`); modules that touch files or the network are denied first
 * (`sklearn.datasets`, `sklearn.externals`, ...).
 */
import type { AllowEntry } from '../types.js';

export const SKLEARN_ALLOW: readonly AllowEntry[] = [
  {
    name: 'sklearn.**.{Class}',
    uses: ['call', 'new', 'build', 'arg'],
    why: 'a scikit-learn class: estimators are rebuilt with __new__ + __setstate__, Cython helpers (Tree, losses) are called with sizes then get array state',
  },
  {
    // Cython's generated unpickler: checks a layout checksum, then Base.__new__(type) (a TypeError unless
    // `type` subclasses that module's own extension class) and sets the C fields from the state tuple.
    name: 'sklearn.**.__pyx_unpickle_*',
    uses: ['call', 'arg'],
    why: 'Cython-generated unpickler of a scikit-learn extension type (losses, splitters): instantiates the class argument, which is checked for `new`, and copies the state into its fields',
    effects: { newArgs: [0], resultClassArg: 0 },
  },
  {
    // sklearn/neighbors/_binary_tree.pxi and metrics/_dist_metrics.pyx: `def newObj(obj): return obj.__new__(obj)`.
    name: 'sklearn.**.newObj',
    uses: ['call', 'arg'],
    why: "KDTree/BallTree/DistanceMetric pickle helper: obj.__new__(obj); the class argument is checked for `new`, and BUILD on the result is that class's __setstate__",
    effects: { newArgs: [0], resultClassArg: 0 },
  },
  {
    // A fitted GridSearchCV/RandomizedSearchCV keeps its scorer in `scorer_`, which BaseSearchCV.score calls as
    // scorer_(best_estimator_, X, y): the default is this function, which returns estimator.score(X, y).
    name: 'sklearn.metrics._scorer._passthrough_scorer',
    uses: ['call', 'arg'],
    why: "a search's default scorer: calls the score method of the estimator it is given (a pickled estimator, checked like any other) with the caller's data",
  },
  // make_scorer(f1_score, average='macro') and the named scorers ('f1_macro', 'precision', 'neg_...'): a _BaseScorer
  // calls _score_func(y_true, y_pred, **_kwargs) with keyword arguments kept in the file (average, beta, pos_label).
  ...['_classification', '_regression', '_ranking'].map((m): AllowEntry => ({
    name: `sklearn.metrics.${m}.{func}`,
    uses: ['call', 'arg'],
    why: 'a scikit-learn metric function (accuracy, F-beta, log loss, errors, AUC): computes a number from label and score arrays and the keyword arguments a scorer keeps',
  })),
  {
    name: 'sklearn.**.{func}',
    uses: ['arg'],
    why: 'a scikit-learn function stored as a parameter value (score functions, kernels): fit, predict and transform call it on the data they are given; where the estimator also passes keyword arguments from the file, the implicit-call model judges it as a call',
  },
  {
    name: 'joblib.numpy_pickle.NumpyArrayWrapper',
    uses: ['new', 'build', 'arg'],
    why: "joblib's marker for array data that follows in the file; joblib reads the bytes (or a nested pickle for object arrays, which is analysed too)",
  },
  { name: 'joblib.numpy_pickle_compat.NDArrayWrapper', uses: ['new', 'build', 'arg'], why: 'joblib < 0.10 array marker (the data lives in a side file)' },
  { name: 'joblib.numpy_pickle_compat.ZNDArrayWrapper', uses: ['new', 'build', 'arg'], why: 'joblib < 0.10 compressed array marker (side file)' },
];
