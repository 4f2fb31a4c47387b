/**
 * `modelguard audit <sub>`: a dispatcher over the table below. Each
 * subcommand is a `Command` in `audit/<sub>.ts`, loaded on demand; adding one
 * is one line here.
 */
import type { CliIO, Command } from '../command.js';
import { EXIT_USAGE } from '../command.js';

interface AuditSubcommand {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

const SUBCOMMANDS: readonly AuditSubcommand[] = [
  {
    name: 'host',
    summary: 'root ML processes, checkpoint/key/vault permissions, risky loading calls, secrets in env files',
    load: async () => (await import('./audit/host.js')).auditHostCommand,
  },
  {
    name: 'network',
    summary: 'ML ports (TCPStore 29500, rendezvous 29400, Ray, TorchServe, ...) listening beyond loopback',
    load: async () => (await import('./audit/network.js')).auditNetworkCommand,
  },
  {
    name: 'launch',
    summary: 'rendezvous on public addresses, 0.0.0.0 binds, pickle over the wire in a launch command or script',
    load: async () => (await import('./audit/network.js')).auditLaunchCommand,
  },
];

function help(): string {
  const width = Math.max(...SUBCOMMANDS.map((s) => s.name.length));
  return `Usage: modelguard audit <check> [options]

Checks a machine and a project against the PyTorch and MXNet security
guidance. Each finding names the guidance it checks and a fix.

Checks:
${SUBCOMMANDS.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`).join('\n')}

Run 'modelguard audit <check> --help' for a check's options.
`;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'audit this machine and project against the PyTorch and MXNet security guidance',
  get help(): string {
    return help();
  },
  async run(argv: string[], io: CliIO): Promise<number> {
    const [name, ...rest] = argv;
    const sub = SUBCOMMANDS.find((s) => s.name === name);
    if (sub === undefined) {
      io.stderr.write(name === undefined ? help() : `modelguard audit: unknown check '${name}'\n\n${help()}`);
      return EXIT_USAGE;
    }
    const cmd = await sub.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(cmd.help);
      return 0;
    }
    return cmd.run(rest, io);
  },
};
