/**
 * The rules' gates in one pass: which of all the rules' anchor substrings
 * occur in a view. Checking each rule's anchors with `includes` searched
 * the text once per anchor (323 anchors, 43 rules, every view): a fifth
 * of the detector's time. An Aho-Corasick automaton finds every
 * occurrence of every anchor, overlapping ones included, in one walk of
 * the UTF-16 units, so a gate gives exactly what the `includes` loop gave.
 * ASCII transitions are a full table (the views are lower-cased text,
 * nearly all ASCII); other units follow goto maps and failure links.
 */
import type { PatternRule } from './rules/rule.js';

const ASCII = 128;

export class AnchorGates {
  /** ASCII transitions, resolved through failure links: `delta[state * 128 + unit]`. */
  private readonly delta: Int32Array;
  /** Explicit transitions on non-ASCII units. */
  private readonly wide: (Map<number, number> | undefined)[];
  private readonly fail: Int32Array;
  /** Anchors that end at each state, its failure chain's included. */
  private readonly out: readonly (readonly number[])[];
  /** Per rule: the indexes of its anchors, or undefined when the rule has no gate. */
  private readonly ruleAnchors: readonly (readonly number[] | undefined)[];
  private readonly anchorCount: number;

  constructor(rules: readonly PatternRule[]) {
    const index = new Map<string, number>();
    // An empty anchor occurs in every text (`includes('')`): that rule has no gate.
    this.ruleAnchors = rules.map((r) =>
      r.anchors === undefined || r.anchors.includes('') ? undefined : r.anchors.map((a) => index.get(a) ?? index.set(a, index.size).get(a) ?? 0),
    );
    this.anchorCount = index.size;
    // The trie: goto maps per state.
    const go: Map<number, number>[] = [new Map<number, number>()];
    const ends: number[][] = [[]];
    for (const [anchor, id] of index) {
      let s = 0;
      for (let i = 0; i < anchor.length; i++) {
        const c = anchor.charCodeAt(i);
        const row = go[s] as Map<number, number>;
        let t = row.get(c);
        if (t === undefined) {
          t = go.length;
          row.set(c, t);
          go.push(new Map<number, number>());
          ends.push([]);
        }
        s = t;
      }
      (ends[s] as number[]).push(id);
    }
    const n = go.length;
    const fail = new Int32Array(n);
    const delta = new Int32Array(n * ASCII);
    const out: number[][] = ends.map((e) => [...e]);
    // Breadth first, so a state's failure target is finished before it.
    const queue: number[] = [0];
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q] as number;
      const row = go[s] as Map<number, number>;
      for (let c = 0; c < ASCII; c++) {
        const t = row.get(c);
        if (t !== undefined) delta[s * ASCII + c] = t;
        else delta[s * ASCII + c] = s === 0 ? 0 : (delta[(fail[s] as number) * ASCII + c] as number);
      }
      for (const [c, t] of row) {
        if (s !== 0) {
          let f = fail[s] as number;
          for (;;) {
            const via = (go[f] as Map<number, number>).get(c);
            if (via !== undefined) {
              fail[t] = via;
              break;
            }
            if (f === 0) {
              fail[t] = 0;
              break;
            }
            f = fail[f] as number;
          }
        }
        // Depth-1 states fail to the root (Int32Array starts at 0).
        (out[t] as number[]).push(...(out[fail[t] as number] as number[]));
        queue.push(t);
      }
    }
    this.delta = delta;
    this.fail = fail;
    this.out = out;
    this.wide = go.map((row) => {
      let m: Map<number, number> | undefined;
      for (const [c, t] of row) if (c >= ASCII) (m ??= new Map()).set(c, t);
      return m;
    });
  }

  /** For each rule, whether its gate lets `text` through (no anchors: always). */
  gates(text: string): boolean[] {
    const seen = new Uint8Array(this.anchorCount);
    const { delta, wide, fail, out } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < ASCII) s = delta[s * ASCII + c] as number;
      else {
        for (;;) {
          const t = wide[s]?.get(c);
          if (t !== undefined) {
            s = t;
            break;
          }
          if (s === 0) break;
          s = fail[s] as number;
        }
      }
      const found = out[s] as readonly number[];
      for (let k = 0; k < found.length; k++) seen[found[k] as number] = 1;
    }
    return this.ruleAnchors.map((ids) => ids === undefined || ids.some((id) => seen[id] === 1));
  }
}
