/**
 * `audit launch`: reads a launch command, a launch script or a Python
 * training script (never runs them) and flags rendezvous endpoints on public
 * addresses, binds to every interface, and pickle-over-the-wire calls.
 * Line-based and conservative: host names are not resolved, so only literal
 * addresses are judged.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { finding, type HostFinding } from './host-finding.js';
import { NETWORK_RULES } from './network-rules.js';

/** Largest script read. CWE-400. */
export const MAX_SCRIPT_BYTES = 4 * 1024 * 1024;
/** Findings per file before the rest are dropped. CWE-400. */
export const MAX_FINDINGS_PER_FILE = 200;

/** Addresses that are not on the public internet: loopback, RFC 1918, CGNAT, link-local, ULA. */
export function isPrivateAddress(a: string): boolean {
  if (isIP(a) === 4) {
    const [x = 0, y = 0] = a.split('.').map(Number);
    return (
      x === 127 || x === 10 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168) || (x === 100 && y >= 64 && y <= 127) || (x === 169 && y === 254)
    );
  }
  const l = a.toLowerCase();
  return l === '::1' || /^f[cd]/.test(l) || /^fe[89ab]/.test(l) || (l.startsWith('::ffff:') && isPrivateAddress(l.slice(7)));
}

const ANY = new Set(['0.0.0.0', '::', '[::]']);

/** Where a rendezvous or store address is given, in commands, shell and Python. Group 1 is the host. */
const ENDPOINT_PATTERNS: readonly RegExp[] = [
  /--(?:master[_-]addr|rdzv[_-]endpoint)[=\s]+["']?(\[[0-9a-fA-F:]+\]|[^\s"':]+)/g,
  /\b(?:MASTER_ADDR|DMLC_PS_ROOT_URI)\s*[=:]\s*["']?(\[[0-9a-fA-F:]+\]|[^\s"',)]+)/g,
  /\b(?:MASTER_ADDR|DMLC_PS_ROOT_URI)["']\]\s*=\s*["']([^"']+)/g,
  /init_method\s*=\s*["']tcp:\/\/(\[[0-9a-fA-F:]+\]|[^:/"']+)/g,
  /TCPStore\(\s*(?:host_name\s*=\s*)?["']([^"']+)["']/g,
];
const BIND_PATTERN = /(?:^|[\s=("'])(0\.0\.0\.0|\[::\])(?=[\s:"',)]|$)/g;

const PICKLE_CALLS: readonly [RegExp, 'pickleOverWire' | 'mxnetOptimizerPickle'][] = [
  [/\b(?:broadcast_object_list|all_gather_object|gather_object|scatter_object_list|send_object_list|recv_object_list)\s*\(/g, 'pickleOverWire'],
  [/\brpc\.(?:rpc_sync|rpc_async|remote|init_rpc)\s*\(|\bfrom\s+torch\.distributed\.rpc\s+import\b|\bimport\s+torch\.distributed\.rpc\b/g, 'pickleOverWire'],
  [/\.set_optimizer\s*\(/g, 'mxnetOptimizerPickle'],
];

/** Findings for one text (a command line, a shell script, a Python file). */
export function auditLaunchText(text: string, where: string, python: boolean): HostFinding[] {
  const out: HostFinding[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    if (out.length >= MAX_FINDINGS_PER_FILE) break;
    const line = raw.replace(/^\s*#.*$/, '');
    if (line.trim() === '') continue;
    const at = lines.length === 1 ? where : `${where}:${i + 1}`;
    const seen = new Set<string>();
    for (const re of ENDPOINT_PATTERNS) {
      for (const m of line.matchAll(re)) {
        const host = (m[1] ?? '').replace(/^\[|\]$/g, '');
        if (seen.has(host)) continue;
        seen.add(host);
        if (ANY.has(host) || host === '::') out.push(finding(NETWORK_RULES.bindAll, at, `rendezvous address ${host} means every interface`));
        else if (isIP(host) !== 0 && !isPrivateAddress(host))
          out.push(finding(NETWORK_RULES.publicRendezvous, at, `rendezvous endpoint on public address ${host}`));
      }
    }
    for (const m of line.matchAll(BIND_PATTERN)) {
      const host = (m[1] ?? '').replace(/^\[|\]$/g, '');
      if (!seen.has(host)) {
        seen.add(host);
        out.push(finding(NETWORK_RULES.bindAll, at, `binds ${host} (every interface)`));
      }
    }
    if (!python) continue;
    for (const [re, rule] of PICKLE_CALLS) {
      const m = line.match(re);
      if (m !== null) out.push(finding(NETWORK_RULES[rule], at, `${m[0].replace(/\s*\($/, '')}: unpickles what peers send`));
    }
  }
  return out;
}

function readScript(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_SCRIPT_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface LaunchAuditReport {
  schema: 'modelguard.audit-launch/v1';
  findings: HostFinding[];
  checked: { files: string[]; command: boolean; environment: boolean };
}

/**
 * `target` is a script path or, with `command`, the argv of a launch command
 * (torchrun ..., python -m torch.distributed.run ..., a shell line); Python
 * files the command names are read too. `env` is checked for MASTER_ADDR and
 * DMLC_PS_ROOT_URI.
 */
export function auditLaunch(o: { script?: string; command?: readonly string[]; env?: NodeJS.ProcessEnv; cwd: string }): LaunchAuditReport {
  const findings: HostFinding[] = [];
  const files: string[] = [];
  const scan = (path: string): void => {
    const text = readScript(path);
    if (text === undefined) return;
    files.push(path);
    findings.push(...auditLaunchText(text, path, path.endsWith('.py') || /^#!.*python/.test(text)));
  };
  if (o.script !== undefined) scan(resolve(o.cwd, o.script));
  if (o.command !== undefined) {
    findings.push(...auditLaunchText(o.command.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' '), 'command', false));
    for (const a of o.command) if (a.endsWith('.py') && existsSync(resolve(o.cwd, a))) scan(resolve(o.cwd, a));
  }
  let environment = false;
  if (o.env !== undefined) {
    const vars = ['MASTER_ADDR', 'DMLC_PS_ROOT_URI'].filter((k) => o.env?.[k] !== undefined);
    environment = vars.length > 0;
    if (environment) findings.push(...auditLaunchText(vars.map((k) => `${k}=${o.env?.[k] ?? ''}`).join(' '), 'environment', false));
  }
  return { schema: 'modelguard.audit-launch/v1', findings, checked: { files, command: o.command !== undefined, environment } };
}
