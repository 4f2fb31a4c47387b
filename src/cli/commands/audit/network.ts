/** `modelguard audit network` and `modelguard audit launch`: thin layers over `src/audit/network.ts` and `launch.ts`. */
import { parseArgs } from 'node:util';
import { auditLaunch } from '../../../audit/launch.js';
import { auditNetwork } from '../../../audit/network.js';
import type { HostFinding } from '../../../audit/host-finding.js';
import { ModelguardError } from '../../../errors.js';
import { EXIT_FINDINGS, EXIT_OK, type CliIO, type Command } from '../../command.js';

function render(title: string, findings: readonly HostFinding[], checked: string): string {
  const lines = [title];
  for (const f of findings) {
    lines.push(
      `${f.severity.toUpperCase().padEnd(6)} ${f.rule}  ${f.where}`,
      `       ${f.message}`,
      `       guidance (${f.guidance.framework}): ${f.guidance.says} ${f.guidance.reference}`,
      `       fix: ${f.fix}`,
    );
  }
  lines.push(`${findings.length} finding${findings.length === 1 ? '' : 's'}; ${checked}`);
  return `${lines.join('\n')}\n`;
}

export const auditNetworkCommand: Command = {
  name: 'network',
  summary: 'ML ports (TCPStore 29500, rendezvous 29400, Ray, TorchServe, ...) listening beyond loopback',
  help: `Usage: modelguard audit network [--port N ...] [--json]

Reads /proc/net/tcp and /proc/net/tcp6 and flags listeners on known ML
ports bound beyond loopback: PyTorch TCPStore/c10d 29500, torchrun
rendezvous 29400, Ray 8265/6379/10001, TorchServe 8080-8082 and 7070-7071,
MXNet scheduler 9091, plus any --port given. The owning process is shown
when /proc lets this user see it. PyTorch 1.13's TCPStore master listens
on every interface even when told 127.0.0.1: firewall the port, and let
other nodes in through 'modelguard tunnel'.

Exit status: 0 nothing exposed, 1 findings, 2 usage error.
`,
  run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseArgs({ args: argv, options: { port: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } } });
    const ports = (values.port ?? [])
      .flatMap((p) => p.split(','))
      .map((p) => {
        const n = Number(p);
        if (!/^\d{1,5}$/.test(p) || n < 1 || n > 65535) throw new ModelguardError('E_USAGE', `--port must be 1-65535 (got ${p})`);
        return n;
      });
    const r = auditNetwork({ ports });
    io.stdout.write(values.json ? `${JSON.stringify(r, null, 2)}\n` : render('audit network', r.findings, `checked ${r.checked.listeners} listening sockets`));
    return Promise.resolve(r.findings.length > 0 ? EXIT_FINDINGS : EXIT_OK);
  },
};

export const auditLaunchCommand: Command = {
  name: 'launch',
  summary: 'rendezvous on public addresses, 0.0.0.0 binds, pickle over the wire in a launch command or script',
  help: `Usage: modelguard audit launch SCRIPT [--json]
       modelguard audit launch [--json] -- COMMAND...

Reads (never runs) a launch script, a Python training script or a launch
command (torchrun ..., python -m torch.distributed.run ...) and the
MASTER_ADDR / DMLC_PS_ROOT_URI environment, and flags:
  - rendezvous endpoints (--master_addr, --rdzv_endpoint, MASTER_ADDR,
    init_method="tcp://...", TCPStore(...), DMLC_PS_ROOT_URI) on public addresses;
  - 0.0.0.0 / :: binds;
  - pickle over the wire: broadcast_object_list, all_gather_object,
    gather_object, scatter_object_list, send/recv_object_list,
    torch.distributed.rpc, MXNet kvstore.set_optimizer.
Python files named in the command are read too. Host names are not resolved.

Exit status: 0 nothing found, 1 findings, 2 usage error.
`,
  run(argv: string[], io: CliIO): Promise<number> {
    const dash = argv.indexOf('--');
    const own = dash === -1 ? argv : argv.slice(0, dash);
    const command = dash === -1 ? undefined : argv.slice(dash + 1);
    const { values, positionals } = parseArgs({ args: own, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
    if ((positionals.length === 0) === (command === undefined || command.length === 0) || positionals.length > 1) {
      throw new ModelguardError('E_USAGE', 'audit launch needs one SCRIPT, or -- COMMAND...');
    }
    const r = auditLaunch({
      ...(positionals[0] === undefined ? {} : { script: positionals[0] }),
      ...(command === undefined ? {} : { command }),
      env: io.env,
      cwd: io.cwd,
    });
    io.stdout.write(
      values.json
        ? `${JSON.stringify(r, null, 2)}\n`
        : render(
            'audit launch',
            r.findings,
            `read ${r.checked.files.length} file(s)${r.checked.command ? ', the command' : ''}${r.checked.environment ? ', the environment' : ''}`,
          ),
    );
    return Promise.resolve(r.findings.length > 0 ? EXIT_FINDINGS : EXIT_OK);
  },
};
