/** The append-only audit log (the database refuses UPDATE and DELETE on it). */
import type { Sql } from '../db/sql.js';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

export async function audit(sql: Pick<Sql, 'query'>, actor: string, action: string, target: string, detail: Record<string, unknown> = {}): Promise<void> {
  await sql.query('insert into audit (actor, action, target, detail) values ($1, $2, $3, $4)', [actor, action, target, JSON.stringify(detail)]);
}

export async function auditLog(sql: Sql, limit = 200): Promise<AuditEntry[]> {
  const rows = await sql.query<{ id: string; at: Date; actor: string; action: string; target: string; detail: Record<string, unknown> }>(
    'select id, at, actor, action, target, detail from audit order by id desc limit $1',
    [limit],
  );
  return rows.map((r) => ({ id: Number(r.id), at: new Date(r.at).toISOString(), actor: r.actor, action: r.action, target: r.target, detail: r.detail }));
}
