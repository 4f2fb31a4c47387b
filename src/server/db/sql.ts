/**
 * One SQL dialect for both configurations: PostgreSQL's. The embedded
 * default runs PGlite (PostgreSQL compiled to WebAssembly, data in a folder,
 * no server); the scaled configuration connects to a PostgreSQL server with
 * `pg`. Everything above this file writes one set of queries.
 */
import { mkdirSync } from 'node:fs';
import { RegistryError } from '../errors.js';

export type Row = Record<string, unknown>;

export interface Sql {
  readonly kind: 'embedded' | 'postgres';
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction (one connection); rolls back when it throws. */
  transaction<T>(fn: (tx: Pick<Sql, 'query'>) => Promise<T>): Promise<T>;
  exec(text: string): Promise<void>;
  close(): Promise<void>;
}

/** PGlite in `dir` (created on first use: initdb takes a few seconds once). */
export async function openEmbedded(dir: string): Promise<Sql> {
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dir);
  return {
    kind: 'embedded',
    async query<T extends Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await db.query<T>(text, params as unknown[])).rows;
    },
    async transaction<T>(fn: (tx: Pick<Sql, 'query'>) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) =>
        fn({
          query: async <R extends Row>(text: string, params: readonly unknown[] = []): Promise<R[]> => (await tx.query<R>(text, params as unknown[])).rows,
        }),
      );
    },
    async exec(text: string): Promise<void> {
      await db.exec(text);
    },
    async close(): Promise<void> {
      await db.close();
    },
  };
}

/** A pool of connections to a PostgreSQL server (`postgres://user@host:port/db`). */
export async function openPostgres(url: string, max = 10): Promise<Sql> {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined); // an idle client lost its connection: the next query reconnects
  try {
    await pool.query('select 1');
  } catch (e) {
    await pool.end();
    throw new RegistryError('E_CONFIG', `cannot connect to PostgreSQL: ${(e as Error).message}`, { cause: e });
  }
  return {
    kind: 'postgres',
    async query<T extends Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await pool.query<T>(text, params as unknown[])).rows;
    },
    async transaction<T>(fn: (tx: Pick<Sql, 'query'>) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const out = await fn({
          query: async <R extends Row>(text: string, params: readonly unknown[] = []): Promise<R[]> => (await client.query<R>(text, params as unknown[])).rows,
        });
        await client.query('commit');
        return out;
      } catch (e) {
        await client.query('rollback').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async exec(text: string): Promise<void> {
      await pool.query(text);
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
