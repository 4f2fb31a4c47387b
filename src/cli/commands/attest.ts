/**
 * `modelguard attest MODEL`: scans the model (or takes a scan report) and
 * signs a scan attestation bound to the model's root digest.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { scanPaths } from '../../scan/directory.js';
import { REPORT_SCHEMA, type ScanReport } from '../../findings/report.js';
import { attestScan } from '../../sign/attest.js';
import { relativeIgnore } from '../../sign/ignore.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { signExit } from './signing-common.js';
import { localSignMethod, signingKeyOptions } from './key-options.js';

const HELP = `Usage: modelguard attest MODEL --private-key KEY [options]

Scans MODEL (a folder or a file) and signs an in-toto statement whose subject
is the model's root digest (the digest a model signature commits to) and
whose predicate records the scan: tool version, profile, per-file verdicts
and findings, time (predicate https://modelguard.dev/attestations/scan/v1).
Check it with: modelguard verify ... --require-clean-scan --attestation FILE

Options:
  -o, --output <file>            attestation file (default modelguard-scan.sig)
  --report <file>                sign this JSON scan report instead of scanning now
  --private-key <file>           PEM EC private key
  --password <pass>              passphrase (or MODELGUARD_KEY_PASSWORD)
  --signing-certificate <file>   sign with a certificate chain instead of a bare key
  --certificate-chain <file>     intermediates to include; repeatable
  --ignore-paths <path>...       files left out of the digest (model.sig always is)
`;

export const attestCommand: Command = {
  name: 'attest',
  summary: 'sign a scan attestation bound to a model digest',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values: v, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o', default: 'modelguard-scan.sig' },
        report: { type: 'string' },
        ...signingKeyOptions(),
        'ignore-paths': { type: 'string', multiple: true, default: [] as string[] },
      },
    });
    const model = positionals[0];
    const method = localSignMethod(v, io, 'if-given');
    if (positionals.length !== 1 || model === undefined || typeof method === 'string') {
      io.stderr.write(`modelguard attest: expected MODEL and --private-key\n\n${HELP}`);
      return EXIT_USAGE;
    }
    const at = (f: string): string => resolve(io.cwd, f);
    try {
      let report: ScanReport;
      if (v.report !== undefined) {
        report = JSON.parse(readFileSync(at(v.report), 'utf8')) as ScanReport;
        if ((report.schema as string) !== REPORT_SCHEMA) {
          io.stderr.write(`modelguard attest: ${v.report} is not a ${REPORT_SCHEMA as string} report\n`);
          return EXIT_USAGE;
        }
      } else {
        report = await scanPaths([at(model)]);
      }
      const root = await attestScan(at(model), report, method, {
        output: at(v.output),
        ignorePaths: ['model.sig', ...relativeIgnore(model, v['ignore-paths'], io.cwd)],
      });
      io.stdout.write(`attested ${model} (sha256:${root}): scan verdict ${report.verdict} -> ${v.output}\n`);
      return EXIT_OK;
    } catch (e) {
      return signExit(e, io, 'attest');
    }
  },
};
