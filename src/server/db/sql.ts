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
      // A checked-out client has no pool listener: a connection lost between two queries (the server restarted, the
      // backend was terminated) would be an unhandled 'error' event and end the process. It is kept here; the next
      // query fails with it, and the client is destroyed instead of going back to the pool.
      let lost: Error | undefined;
      const onError = (e: Error): void => {
        lost ??= e;
      };
      client.on('error', onError);
      try {
        await client.query('begin');
        const out = await fn({
          query: async <R extends Row>(text: string, params: readonly unknown[] = []): Promise<R[]> => {
            if (lost !== undefined) throw lost;
            return (await client.query<R>(text, params as unknown[])).rows;
          },
        });
        if (lost !== undefined) throw lost;
        await client.query('commit');
        return out;
      } catch (e) {
        lost ??= await client.query('rollback').then(
          () => undefined,
          (r: unknown) => (r instanceof Error ? r : new Error(String(r))),
        );
        throw e;
      } finally {
        if (lost === undefined) client.off('error', onError); // a lost client keeps the listener: it is destroyed, and may still report
        client.release(lost);
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
