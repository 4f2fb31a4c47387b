/**
 * `audit host`: does this machine and this project follow the PyTorch and
 * MXNet guidance for training and serving hosts? Processes (root), folder
 * permissions (checkpoints, keys, vaults), unencrypted checkpoints, risky
 * loading calls in Python sources, secrets in environment files. ML
 * listeners beyond loopback are `audit network`'s job.
 */
import { resolve } from 'node:path';
import { HOST_AUDIT_SCHEMA, type HostAuditReport } from './host-finding.js';
import { auditPermissions } from './host-permissions.js';
import { auditProcesses } from './host-processes.js';
import { auditEnvFiles } from './host-secrets.js';
import { auditSources } from './host-sources.js';
import { walkProject } from './host-walk.js';

export interface HostAuditOptions {
  /** Project folder to check (sources, env files, checkpoint/key/vault folders). */
  project: string;
  /** Check running processes (default true). */
  processes?: boolean;
  /** /proc to read (default /proc). */
  proc?: string;
}

const ORDER = { high: 0, medium: 1, low: 2 } as const;

export function auditHost(options: HostAuditOptions): HostAuditReport {
  const project = resolve(options.project);
  const walk = walkProject(project);
  const procs = options.processes === false ? { findings: [], seen: 0 } : auditProcesses(options.proc);
  const perms = auditPermissions(walk.entries);
  const sources = auditSources(walk.entries);
  const envs = auditEnvFiles(walk.entries);
  const findings = [...procs.findings, ...perms.findings, ...sources.findings, ...envs.findings].sort(
    (a, b) => ORDER[a.severity] - ORDER[b.severity] || a.where.localeCompare(b.where),
  );
  return {
    schema: HOST_AUDIT_SCHEMA,
    project,
    findings,
    checked: { processes: procs.seen, folders: perms.folders, pythonFiles: sources.files, envFiles: envs.files, walkTruncated: walk.truncated },
  };
}
