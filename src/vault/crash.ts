/**
 * Test hook for crash-safety tests: with `MODELGUARD_VAULT_CRASH_AT=<step>`
 * the process kills itself with SIGKILL when it reaches that step, exactly
 * as `kill -9` or a power cut would stop it. Inert otherwise.
 */
export const CRASH_ENV = 'MODELGUARD_VAULT_CRASH_AT';

export function crashPoint(step: string): void {
  if (process.env[CRASH_ENV] === step) process.kill(process.pid, 'SIGKILL');
}
