/**
 * Users, roles, sessions and API tokens. Roles nest: an admin may do what
 * a reviewer may, a reviewer what an uploader may.
 */
import type { Sql } from '../db/sql.js';
import { RegistryError } from '../errors.js';
import { checkPassword, hashPassword, newSecret, secretHash } from './secrets.js';

export const ROLES = ['uploader', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  name: string;
  role: Role;
}

/** A signed-in principal: how it authenticated decides whether CSRF applies. */
export interface Principal extends User {
  via: 'session' | 'token';
  csrf?: string;
}

export const SESSION_HOURS = 12;
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function allows(user: User, need: Role): boolean {
  return ROLES.indexOf(user.role) >= ROLES.indexOf(need);
}

export function requireRole(user: Principal | undefined, need: Role): Principal {
  if (user === undefined) throw new RegistryError('E_AUTH', 'sign in first');
  if (!allows(user, need)) throw new RegistryError('E_FORBIDDEN', `this needs the ${need} role`);
  return user;
}

function asRole(v: unknown): Role {
  const r = ROLES.find((x) => x === v);
  if (r === undefined) throw new RegistryError('E_BAD_REQUEST', `role must be one of ${ROLES.join(', ')}`);
  return r;
}

export async function createUser(sql: Pick<Sql, 'query'>, name: string, password: string, role: unknown): Promise<User> {
  if (!NAME.test(name)) throw new RegistryError('E_BAD_REQUEST', 'user names are 1-64 of a-z 0-9 . _ -');
  if (password.length < 12) throw new RegistryError('E_BAD_REQUEST', 'passwords have at least 12 characters');
  const r = asRole(role);
  const rows = await sql.query<{ id: string }>('insert into users (name, password, role) values ($1, $2, $3) on conflict (name) do nothing returning id', [
    name,
    hashPassword(password),
    r,
  ]);
  const id = rows[0]?.id;
  if (id === undefined) throw new RegistryError('E_CONFLICT', `user ${name} exists`);
  return { id: Number(id), name, role: r };
}

export async function userCount(sql: Sql): Promise<number> {
  const rows = await sql.query<{ n: string }>('select count(*) as n from users');
  return Number(rows[0]?.n ?? 0);
}

/** Checks a name and password; the same error whether the name or the password is wrong. */
export async function signIn(sql: Sql, name: string, password: string): Promise<User> {
  const rows = await sql.query<{ id: string; role: string; password: string }>('select id, role, password from users where name = $1', [name]);
  const row = rows[0];
  // Hash even for an unknown name, so timing does not tell which names exist.
  const ok = checkPassword(password, row?.password ?? 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  if (row === undefined || !ok) throw new RegistryError('E_AUTH', 'wrong user name or password');
  return { id: Number(row.id), name, role: asRole(row.role) };
}

export async function newSession(sql: Sql, user: User): Promise<{ cookie: string; csrf: string }> {
  const cookie = newSecret('mgs_');
  const csrf = newSecret('');
  await sql.query(`insert into sessions (id, user_id, csrf, expires_at) values ($1, $2, $3, now() + interval '${SESSION_HOURS} hours')`, [
    secretHash(cookie),
    user.id,
    csrf,
  ]);
  return { cookie, csrf };
}

export async function endSession(sql: Sql, cookie: string): Promise<void> {
  await sql.query('delete from sessions where id = $1', [secretHash(cookie)]);
}

export async function sessionUser(sql: Sql, cookie: string): Promise<Principal | undefined> {
  const rows = await sql.query<{ id: string; name: string; role: string; csrf: string }>(
    'select u.id, u.name, u.role, s.csrf from sessions s join users u on u.id = s.user_id where s.id = $1 and s.expires_at > now()',
    [secretHash(cookie)],
  );
  const r = rows[0];
  return r === undefined ? undefined : { id: Number(r.id), name: r.name, role: asRole(r.role), via: 'session', csrf: r.csrf };
}

export async function newToken(sql: Sql, user: User, name: string): Promise<string> {
  const token = newSecret('mgr_');
  await sql.query('insert into tokens (user_id, name, hash) values ($1, $2, $3)', [user.id, name.slice(0, 100), secretHash(token)]);
  return token;
}

export async function tokenUser(sql: Sql, token: string): Promise<Principal | undefined> {
  const rows = await sql.query<{ id: string; name: string; role: string }>(
    'select u.id, u.name, u.role from tokens t join users u on u.id = t.user_id where t.hash = $1',
    [secretHash(token)],
  );
  const r = rows[0];
  return r === undefined ? undefined : { id: Number(r.id), name: r.name, role: asRole(r.role), via: 'token' };
}
