/**
 * The in-toto statement of a model signature (predicate
 * `https://model_signing/signature/v1.0`), and the v0.2-era predicate
 * `https://model_signing/Digests/v0.1` that verifiers must still accept.
 */
import { SignError } from './errors.js';
import { rootDigest, type Manifest, type Resource, type Serialization } from './manifest/manifest.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_V1 = 'https://model_signing/signature/v1.0';
export const PREDICATE_COMPAT = 'https://model_signing/Digests/v0.1';

export interface Statement {
  _type: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

export function manifestStatement(m: Manifest): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: m.modelName, digest: { sha256: rootDigest(m.resources) } }],
    predicateType: PREDICATE_V1,
    predicate: {
      serialization: m.serialization,
      resources: m.resources.map((r) => ({ name: r.name, algorithm: r.algorithm, digest: r.digest })),
    },
  };
}

function bad(message: string): SignError {
  return new SignError('E_SIG_BUNDLE', `invalid signed statement: ${message}`);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface SignedManifest extends Manifest {
  /** The predicate the statement used. */
  predicateType: string;
  /** The subject digest (sha256 of the resource digests), for v1.0. */
  root: string | undefined;
}

/** Parses the payload of a verified envelope into the manifest it signs. */
export function statementManifest(payload: Uint8Array): SignedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    throw bad('the payload is not JSON');
  }
  if (!isObj(doc) || doc['_type'] !== STATEMENT_TYPE) throw bad(`not an in-toto ${STATEMENT_TYPE} statement`);
  const subjects = doc['subject'];
  if (!Array.isArray(subjects) || subjects.length === 0) throw bad('no subject');
  const pt = doc['predicateType'];
  if (pt === PREDICATE_COMPAT) {
    // v0.2: one subject per file, sha256 only, no serialization recorded.
    const resources: Resource[] = subjects.map((s) => {
      const d = isObj(s) && isObj(s['digest']) ? s['digest']['sha256'] : undefined;
      if (!isObj(s) || typeof s['name'] !== 'string' || typeof d !== 'string' || !/^[0-9a-f]{64}$/.test(d))
        throw bad('a v0.1 subject lacks a name or sha256 digest');
      return { name: s['name'], algorithm: 'sha256', digest: d };
    });
    return {
      modelName: 'compat-undefined-not-present',
      serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false },
      resources,
      predicateType: pt,
      root: undefined,
    };
  }
  if (pt !== PREDICATE_V1) throw bad(`unknown predicate type ${String(pt)}`);
  if (subjects.length !== 1) throw bad(`expected one subject, got ${subjects.length}`);
  const subject: unknown = subjects[0];
  const root = isObj(subject) && isObj(subject['digest']) ? subject['digest']['sha256'] : undefined;
  if (!isObj(subject) || typeof subject['name'] !== 'string' || typeof root !== 'string') throw bad('the subject lacks a name or sha256 digest');
  const predicate = doc['predicate'];
  if (!isObj(predicate)) throw bad('no predicate');
  const ser = predicate['serialization'];
  if (!isObj(ser)) throw bad('no serialization');
  const method = ser['method'];
  const hashType = ser['hash_type'];
  if ((method !== 'files' && method !== 'shards') || typeof hashType !== 'string') throw bad('unknown serialization method');
  const allow = ser['allow_symlinks'] === true || ser['allow_symlinks'] === 'true';
  const ignore = ser['ignore_paths'];
  if (ignore !== undefined && (!Array.isArray(ignore) || !ignore.every((x) => typeof x === 'string'))) throw bad('ignore_paths must be a list of strings');
  const ignorePaths = ignore === undefined ? {} : { ignore_paths: ignore };
  let serialization: Serialization;
  if (method === 'shards') {
    const size = ser['shard_size'];
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) throw bad('shard_size must be a positive integer');
    serialization = { method, hash_type: hashType, shard_size: size, allow_symlinks: allow, ...ignorePaths };
  } else {
    serialization = { method, hash_type: hashType, allow_symlinks: allow, ...ignorePaths };
  }
  const list = predicate['resources'];
  if (!Array.isArray(list)) throw bad('resources must be a list');
  const resources: Resource[] = list.map((r) => {
    if (
      !isObj(r) ||
      typeof r['name'] !== 'string' ||
      typeof r['algorithm'] !== 'string' ||
      typeof r['digest'] !== 'string' ||
      !/^[0-9a-f]+$/.test(r['digest'])
    ) {
      throw bad('a resource lacks name, algorithm or hex digest');
    }
    return { name: r['name'], algorithm: r['algorithm'], digest: r['digest'] };
  });
  const names = new Set(resources.map((r) => r.name));
  if (names.size !== resources.length) throw bad('two resources share a name');
  // The subject commits to the resources in the order they are listed.
  if (rootDigest(resources) !== root) throw bad(`the resources hash to ${rootDigest(resources)}, the subject says ${root}`);
  return { modelName: subject['name'], serialization, resources, predicateType: pt, root };
}
