/**
 * gVisor, where installed: the loader talks to gVisor's user-space kernel,
 * not the host's, with networking off. `runsc do` maps the host root
 * read-only under a private writable overlay, passes only stdio and runs as
 * the sandbox's root, so the bootstrap runs in its stdio mode: evidence on
 * stdout, the run key on stdin, the model opened by path (see `monitor-py`).
 * gVisor is not packaged by Debian: this backend is not exercised by CI.
 */
import type { SandboxBackend, SandboxPlan } from './types.js';
import { findTool } from './which.js';

export const runscBackend: SandboxBackend = {
  id: 'runsc',
  isolation: 'gVisor: user-space kernel, no network, read-only host root under a private overlay',
  usesSeccompFd: false,
  scriptOnStdin: false,
  locate: () => findTool('runsc'),
  command(tool: string, plan: SandboxPlan): string[] {
    return [tool, '--network=none', '--ignore-cgroups', 'do', '--', '/usr/bin/env', '-i', plan.python, '-I', '-B', '-c', plan.bootstrapSource, plan.config];
  },
};
