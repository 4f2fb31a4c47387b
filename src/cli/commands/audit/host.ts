/** `modelguard audit host`: a thin layer over `src/audit/host.ts`. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { auditHost } from '../../../audit/host.js';
import type { HostAuditReport } from '../../../audit/host-finding.js';
import { ModelguardError } from '../../../errors.js';
import { EXIT_FINDINGS, EXIT_OK, type CliIO, type Command } from '../../command.js';

const HELP = `Usage: modelguard audit host [options]

Checks this machine and a project against the PyTorch and MXNet guidance:
  - training or serving processes running as root;
  - checkpoint, key and vault folders readable by everyone or writable by others;
  - key files readable by other users;
  - checkpoint folders holding unencrypted checkpoints;
  - torch.load without weights_only or with weights_only=False, pickle/joblib
    loads, trust_remote_code=True, allow_pickle=True in the project's Python;
  - secrets in environment files (.env, *.env, .envrc).
Each finding names the guidance it checks and a fix. Listeners beyond
loopback are checked by 'modelguard audit network'.

Options:
  -p, --project <dir>      project folder (default: the current folder)
      --no-processes       skip the process check
      --fail-on <high|medium|low>  exit 1 at or above this severity (default: medium)
      --json               JSON report (schema modelguard.audit-host/v1)
  -h, --help               show this help

Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage error.
`;

const RANK = { low: 0, medium: 1, high: 2 } as const;

function renderText(r: HostAuditReport): string {
  const lines = [`audit host: ${r.project}`];
  for (const f of r.findings) {
    lines.push(
      `${f.severity.toUpperCase().padEnd(6)} ${f.rule}  ${f.where}`,
      `       ${f.message}`,
      `       guidance (${f.guidance.framework}): ${f.guidance.says} ${f.guidance.reference}`,
      `       fix: ${f.fix}`,
    );
  }
  const c = r.checked;
  lines.push(
    `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}; checked ${c.processes} processes, ${c.folders} sensitive folders, ${c.pythonFiles} Python files, ${c.envFiles} env files${c.walkTruncated ? ' (walk stopped at its limits)' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

export const auditHostCommand: Command = {
  name: 'host',
  summary: 'root ML processes, checkpoint/key/vault permissions, risky loading calls, secrets in env files',
  help: HELP,
  run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseArgs({
      args: argv,
      options: {
        project: { type: 'string', short: 'p' },
        'no-processes': { type: 'boolean', default: false },
        'fail-on': { type: 'string', default: 'medium' },
        json: { type: 'boolean', default: false },
      },
    });
    const failOn = values['fail-on'];
    if (failOn !== 'high' && failOn !== 'medium' && failOn !== 'low') throw new ModelguardError('E_USAGE', '--fail-on must be high, medium or low');
    const report = auditHost({ project: resolve(io.cwd, values.project ?? '.'), processes: !values['no-processes'] });
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
    return Promise.resolve(report.findings.some((f) => RANK[f.severity] >= RANK[failOn]) ? EXIT_FINDINGS : EXIT_OK);
  },
};
