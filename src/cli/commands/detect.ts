/**
 * `modelguard detect`: the prompt-injection and jailbreak detector.
 *   detect "some text"                       one text (or stdin when no text is given)
 *   detect --jsonl < in.jsonl > out.jsonl    {"id","text"} per line in, one verdict per line out, in order
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createDetector } from '../../detect/detector.js';
import type { Detection, DetectorMode } from '../../detect/types.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';

const HELP = `Usage:
  modelguard detect [--mode MODE] [--json] [TEXT ...]
  modelguard detect --jsonl [--mode MODE] [--explain] < in.jsonl > out.jsonl

Tells whether text carries a prompt injection or a jailbreak: instruction
overrides, role and delimiter spoofing, system-prompt extraction, persona
framings, exfiltration and tool-call requests, instructions hidden in
documents, in 17 languages (instruction overrides and system-prompt requests
in 35) and through encodings (base64, hex, rot13, URL encoding, leetspeak,
look-alike letters, invisible and tag characters).
Without TEXT, standard input is read as one text. See docs/detect.md.

  --mode MODE   strict | balanced | permissive (default balanced)
  --json        print the whole decision (rules with spans, score, model score)
  --jsonl       read {"id": ..., "text": ...} lines on standard input and write
                exactly one line per input, in order:
                {"id": ..., "flagged": true|false, "score": 0..1, "rules": [...]}
                (a line that is not such an object gets "error" and flagged false)
  --explain     with --jsonl: rules as objects with spans instead of ids

Exit 0 when nothing was flagged, 1 when something was, 2 on a usage error or
an unreadable input line.
`;

/** Longest JSONL line accepted (CWE-400); a longer one is answered with an error line. */
const MAX_LINE_CHARS = 4 * 1024 * 1024;
const MODES = ['strict', 'balanced', 'permissive'] as const;

function isMode(s: string): s is DetectorMode {
  return (MODES as readonly string[]).includes(s);
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function verdictLine(id: unknown, d: Detection, explain: boolean): string {
  const rules = explain ? d.rules : [...new Set(d.rules.map((r) => r.id))];
  return JSON.stringify({ id, flagged: d.flagged, score: round(d.score), rules });
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

async function jsonl(io: CliIO, mode: DetectorMode, explain: boolean): Promise<number> {
  const detector = createDetector({ mode });
  let flagged = false;
  let bad = false;
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let rec: unknown;
    try {
      if (line.length > MAX_LINE_CHARS) throw new RangeError(`line longer than ${MAX_LINE_CHARS} characters`);
      rec = JSON.parse(line);
    } catch (e) {
      bad = true;
      io.stdout.write(`${JSON.stringify({ id: null, flagged: false, score: 0, rules: [], error: e instanceof Error ? e.message : 'unreadable line' })}\n`);
      continue;
    }
    const r = rec as { id?: unknown; text?: unknown } | null;
    if (typeof r !== 'object' || r === null || typeof r.text !== 'string') {
      bad = true;
      io.stdout.write(
        `${JSON.stringify({ id: typeof r === 'object' && r !== null ? (r.id ?? null) : null, flagged: false, score: 0, rules: [], error: 'expected an object with a string "text"' })}\n`,
      );
      continue;
    }
    const d = detector.detect(r.text);
    flagged ||= d.flagged;
    io.stdout.write(`${verdictLine(r.id ?? null, d, explain)}\n`);
  }
  return bad ? EXIT_USAGE : flagged ? EXIT_FINDINGS : EXIT_OK;
}

export const detectCommand: Command = {
  name: 'detect',
  summary: 'detect prompt injection and jailbreaks in text or JSONL',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    let v;
    let positionals;
    try {
      ({ values: v, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          mode: { type: 'string', default: 'balanced' },
          json: { type: 'boolean', default: false },
          jsonl: { type: 'boolean', default: false },
          explain: { type: 'boolean', default: false },
        },
      }));
    } catch (e) {
      io.stderr.write(`modelguard detect: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
      return EXIT_USAGE;
    }
    if (!isMode(v.mode)) {
      io.stderr.write('modelguard detect: --mode must be strict, balanced or permissive\n');
      return EXIT_USAGE;
    }
    if (v.jsonl) {
      if (positionals.length > 0) {
        io.stderr.write('modelguard detect: --jsonl reads standard input; give no TEXT\n');
        return EXIT_USAGE;
      }
      return jsonl(io, v.mode, v.explain);
    }
    const text = positionals.length > 0 ? positionals.join(' ') : await readAll(io.stdin);
    const d = createDetector({ mode: v.mode }).detect(text);
    if (v.json)
      io.stdout.write(`${JSON.stringify({ ...d, score: round(d.score), probability: round(d.probability), modelScore: round(d.modelScore) }, null, 2)}\n`);
    else {
      io.stdout.write(
        `${d.flagged ? 'FLAGGED' : 'clean'}  score ${round(d.score)}  (probability ${round(d.probability)}, model ${round(d.modelScore)}, similarity ${round(d.similarity)})\n`,
      );
      for (const r of d.rules)
        io.stdout.write(
          `  ${r.id}${r.span === undefined ? '' : `  [${r.span[0]}, ${r.span[1]}) ${JSON.stringify(text.slice(r.span[0], Math.min(r.span[1], r.span[0] + 80)))}`}${r.detail === undefined || r.detail === 'text' ? '' : `  (${r.detail})`}\n`,
        );
    }
    return d.flagged ? EXIT_FINDINGS : EXIT_OK;
  },
};
