/**
 * XGBoost models as `Booster.save_model` writes them: JSON (`.json`),
 * UBJSON (`.ubj`, the default since 2.1) and the deprecated binary format
 * (`binf`, `save_raw('deprecated')`, still read by every version). All
 * three are trees of split thresholds and leaf values that XGBoost's C++
 * reader parses; no code runs. JSON and UBJSON must be one document to the
 * end with `learner` and `version` at the top; the binary format is walked
 * record by record (LearnerModelParam, objective and booster names, the
 * gbtree parameters, every tree's nodes and stats, attributes) to its last byte.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import { ModelguardError } from '../../errors.js';
import type { Probe } from '../format.js';
import { ascii, expect, firstNonSpace, type Recogniser } from '../inert.js';
import { UbjsonWalk } from './ubjson.js';

/** JSON models parsed whole (CWE-400); larger ones are `E_LIMIT`. */
const MAX_JSON = 512 * 1024 * 1024;
/** Trees, nodes per tree and attributes in a binary model (CWE-770). */
const MAX_TREES = 10_000_000;
const MAX_NODES = 1 << 28;
const MAX_STRING = 1 << 24;

export const xgboostJson: Recogniser = {
  id: 'xgboost-json',
  first: [0x7b, 0x20, 0x09, 0x0a, 0x0d, 0xef],
  identify: (p: Probe) => firstNonSpace(p.head) === 0x7b && /^\s*\{\s*"learner"\s*:\s*\{/.test(new TextDecoder('latin1').decode(p.head.subarray(0, 64))),
  check(src: ByteSource): string {
    if (src.size > MAX_JSON) throw new ModelguardError('E_LIMIT', `XGBoost JSON model of ${src.size} bytes (limit ${MAX_JSON})`);
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(src.read(0, src.size)));
    } catch (e) {
      throw new ModelguardError('E_MALFORMED', `not one JSON document: ${(e as Error).message}`);
    }
    const top = doc as { learner?: { gradient_booster?: { name?: unknown }; objective?: { name?: unknown } }; version?: unknown };
    expect(Array.isArray(top.version) && typeof top.learner?.gradient_booster?.name === 'string', 'no learner.gradient_booster or version');
    return `XGBoost JSON model (${top.learner.gradient_booster.name}, ${typeof top.learner.objective?.name === 'string' ? top.learner.objective.name : '?'}), version ${top.version.join('.')}`;
  },
};

export const xgboostUbj: Recogniser = {
  id: 'xgboost-ubj',
  first: '{',
  identify: (p: Probe) => ascii(p.head, 0, '{L\0\0\0\0\0\0\0\x07learner{') || ascii(p.head, 0, '{U\x07learner{') || ascii(p.head, 0, '{i\x07learner{'),
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 0, src.size, 256 * 1024);
    const w = new UbjsonWalk(c);
    expect(c.u8('root') === 0x7b, 'not a UBJSON object', 0);
    const keys: string[] = [];
    let m = String.fromCharCode(c.u8('marker'));
    while (m !== '}') {
      c.seek(c.pos - 1);
      keys.push(w.key());
      w.value(String.fromCharCode(c.u8('value type')), 1);
      m = String.fromCharCode(c.u8('next'));
    }
    expect(c.remaining === 0, `${c.remaining} bytes after the UBJSON document`, c.pos);
    expect(keys.includes('learner') && keys.includes('version'), `top-level keys ${keys.join(', ')} are not a model's`);
    return `XGBoost UBJSON model: ${w.values} values walked to the end`;
  },
};

function str(c: WindowCursor, what: string): string {
  const n = c.u64safe(`${what} length`);
  expect(n <= MAX_STRING, `${what} of ${n} bytes`, c.pos);
  return new TextDecoder('latin1').decode(c.bytes(n, what));
}

export const xgboostBinary: Recogniser = {
  id: 'xgboost-binary',
  first: 'b',
  identify: (p: Probe) => ascii(p.head, 0, 'binf') && p.size >= 140,
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 4, src.size, 256 * 1024);
    c.skip(4, 'base_score');
    c.skip(8, 'num_feature, num_class');
    const extraAttrs = c.i32('contain_extra_attrs');
    const evalMetrics = c.i32('contain_eval_metrics');
    const major = c.u32('major_version');
    const minor = c.u32('minor_version');
    c.seek(140);
    const objective = str(c, 'objective name');
    const booster = str(c, 'booster name');
    expect(booster === 'gbtree' || booster === 'dart' || booster === 'gblinear', `booster '${booster}' is not one XGBoost has`, 140);
    let trees = 0;
    if (booster === 'gblinear') {
      c.skip(4 * 2 + 4 * 32, 'GBLinearModelParam');
      const n = c.u64safe('weights');
      c.skip(4 * n, 'weights');
    } else {
      trees = c.i32('num_trees');
      expect(trees >= 0 && trees <= MAX_TREES, `${trees} trees`, c.pos - 4);
      c.skip(4 * 3 + 8 + 4 * 2 + 4 * 32, 'GBTreeModelParam');
      for (let t = 0; t < trees; t++) {
        const at = c.pos;
        c.skip(4, 'num_roots');
        const nodes = c.i32('num_nodes');
        c.skip(8, 'num_deleted, max_depth');
        c.skip(4, 'num_feature');
        const leafVector = c.i32('size_leaf_vector');
        c.skip(4 * 31, 'reserved');
        expect(nodes > 0 && nodes <= MAX_NODES, `tree ${t} at offset ${at}: ${nodes} nodes`, at);
        c.skip(nodes * 36, 'nodes and stats');
        if (leafVector !== 0) c.skip(4 * c.u64safe('leaf vector'), 'leaf vector');
      }
      c.skip(4 * trees, 'tree_info');
      if (booster === 'dart') c.skip(4 * c.u64safe('weight_drop'), 'weight_drop');
    }
    if (extraAttrs !== 0) {
      const n = c.u64safe('attribute count');
      for (let i = 0; i < n; i++) {
        str(c, 'attribute name');
        str(c, 'attribute value');
      }
    }
    if (evalMetrics !== 0) {
      const n = c.u64safe('metric count');
      for (let i = 0; i < n; i++) str(c, 'metric');
    }
    expect(c.remaining === 0, `${c.remaining} bytes after the model`, c.pos);
    return `XGBoost binary model (${booster}, ${objective}, ${trees} trees), written by ${major}.${minor}; walked to its last byte`;
  },
};
