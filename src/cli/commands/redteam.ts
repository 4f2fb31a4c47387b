/**
 * `modelguard redteam`: the prompt-injection fuzzer.
 *   redteam --offline                          fuzz the built-in detector in-process
 *   redteam --target http://127.0.0.1:8080/v1/chat/completions --key KEY
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDetector } from '../../detect/detector.js';
import { runRedteam, type RedteamReport } from '../../detect/redteam/run.js';
import { detectorTarget, httpTarget, type Target } from '../../detect/redteam/target.js';
import { TRANSFORMS } from '../../detect/redteam/transforms.js';
import { describeError, isModelguardError } from '../../errors.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';

const HELP = `Usage:
  modelguard redteam --offline [--mode MODE] [options]
  modelguard redteam --target URL [--key KEY] [--model NAME] [--allow-remote] [options]

Sends seed attacks through transforms (${TRANSFORMS.map((t) => t.id).join(', ')})
and benign text to a target, and reports recall per transform and per goal
and the false-alarm rate. --offline fuzzes the built-in detector; --target
posts OpenAI-style chat requests to a gateway route: a prompt counts as
stopped when the gateway answers with a detector/* or filter/* error.

  --offline            fuzz the detector in-process (no network)
  --mode MODE          with --offline: strict | balanced | permissive (default balanced)
  --target URL         a gateway chat-completions URL (loopback unless --allow-remote)
  --key KEY            API key for the target (or MODELGUARD_REDTEAM_KEY)
  --model NAME         model name in the requests (default "default")
  --allow-remote       allow a target that is not on loopback
  --max-requests N     at most N requests to a target (default 2000)
  --transforms LIST    comma-separated transform ids (default all)
  --benign FILE        extra benign texts: JSONL with "text", for false alarms
  --seed N             generator seed (default 7)
  --json               print the report as JSON

Exit 0 when every attack was stopped and no benign text was, 1 otherwise,
2 on a usage, I/O or budget error.
`;

const pct = (k: number, n: number): string => (n === 0 ? '—' : `${((100 * k) / n).toFixed(1)} %`);

function readBenign(path: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as { text?: unknown };
    if (typeof r.text === 'string') out.push(r.text);
  }
  return out;
}

function render(r: RedteamReport): string {
  const lines = ['| transform | stopped | recall |', '|---|---|---|'];
  for (const [k, t] of r.byTransform) lines.push(`| ${k} | ${t.stopped}/${t.total} | ${pct(t.stopped, t.total)} |`);
  lines.push('', '| goal | stopped | recall |', '|---|---|---|');
  for (const [k, t] of r.byKind) lines.push(`| ${k} | ${t.stopped}/${t.total} | ${pct(t.stopped, t.total)} |`);
  lines.push('', `attacks stopped: ${r.attacks.stopped}/${r.attacks.total} (${pct(r.attacks.stopped, r.attacks.total)})`);
  lines.push(`false alarms on benign text: ${r.benign.stopped}/${r.benign.total} (${pct(r.benign.stopped, r.benign.total)})`);
  if (r.missed.length > 0) {
    lines.push('', 'missed (first few per transform):');
    for (const m of r.missed) lines.push(`  [${m.transform}] ${JSON.stringify(m.text.slice(0, 140))}`);
  }
  return `${lines.join('\n')}\n`;
}

export const redteamCommand: Command = {
  name: 'redteam',
  summary: 'fuzz a gateway or the detector with transformed prompt-injection attacks',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    let v;
    try {
      ({ values: v } = parseArgs({
        args: argv,
        options: {
          offline: { type: 'boolean', default: false },
          mode: { type: 'string', default: 'balanced' },
          target: { type: 'string' },
          key: { type: 'string' },
          model: { type: 'string' },
          'allow-remote': { type: 'boolean', default: false },
          'max-requests': { type: 'string', default: '2000' },
          transforms: { type: 'string' },
          benign: { type: 'string' },
          seed: { type: 'string', default: '7' },
          json: { type: 'boolean', default: false },
        },
      }));
    } catch (e) {
      io.stderr.write(`modelguard redteam: ${describeError(e)}\n\n${HELP}`);
      return EXIT_USAGE;
    }
    if (v.offline === (v.target !== undefined)) {
      io.stderr.write(`modelguard redteam: give exactly one of --offline and --target\n\n${HELP}`);
      return EXIT_USAGE;
    }
    const max = Number(v['max-requests']);
    const seed = Number(v.seed);
    if (!Number.isSafeInteger(max) || max < 1 || !Number.isSafeInteger(seed)) {
      io.stderr.write('modelguard redteam: --max-requests and --seed must be integers (max >= 1)\n');
      return EXIT_USAGE;
    }
    const transforms = v.transforms?.split(',').map((s) => s.trim());
    const unknown = transforms?.filter((t) => !TRANSFORMS.some((x) => x.id === t)) ?? [];
    if (unknown.length > 0) {
      io.stderr.write(`modelguard redteam: unknown transform ${unknown.join(', ')}\n`);
      return EXIT_USAGE;
    }
    if (v.mode !== 'strict' && v.mode !== 'balanced' && v.mode !== 'permissive') {
      io.stderr.write('modelguard redteam: --mode must be strict, balanced or permissive\n');
      return EXIT_USAGE;
    }
    try {
      const benign = v.benign === undefined ? undefined : readBenign(resolve(io.cwd, v.benign));
      const key = v.key ?? io.env.MODELGUARD_REDTEAM_KEY;
      const target: Target =
        v.target === undefined
          ? detectorTarget(createDetector({ mode: v.mode }))
          : httpTarget({
              url: v.target,
              maxRequests: max,
              allowRemote: v['allow-remote'],
              ...(key === undefined ? {} : { apiKey: key }),
              ...(v.model === undefined ? {} : { model: v.model }),
            });
      const report = await runRedteam(target, {
        seed,
        ...(transforms === undefined ? {} : { transforms }),
        ...(benign === undefined ? {} : { benign }),
        ...(v.target === undefined ? {} : { limit: max }),
      });
      if (v.json) {
        io.stdout.write(
          `${JSON.stringify({ byTransform: Object.fromEntries(report.byTransform), byKind: Object.fromEntries(report.byKind), attacks: report.attacks, benign: report.benign, missed: report.missed }, null, 2)}\n`,
        );
      } else io.stdout.write(render(report));
      return report.attacks.stopped === report.attacks.total && report.benign.stopped === 0 ? EXIT_OK : EXIT_FINDINGS;
    } catch (e) {
      if (isModelguardError(e) || e instanceof SyntaxError || (e as NodeJS.ErrnoException).code !== undefined) {
        io.stderr.write(`modelguard redteam: ${describeError(e)}\n`);
        return EXIT_USAGE;
      }
      throw e;
    }
  },
};
