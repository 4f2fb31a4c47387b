/**
 * The registry's tables, created on start (idempotent). The audit log is
 * append-only in the database itself: a trigger refuses UPDATE and DELETE,
 * so not even a bug in this code can rewrite history.
 */
import type { Sql } from './sql.js';

export const SCHEMA_VERSION = '1';

const DDL = `
create table if not exists meta (key text primary key, value text not null);
create table if not exists users (
  id bigserial primary key,
  name text not null unique,
  password text not null,
  role text not null check (role in ('uploader', 'reviewer', 'admin')),
  created_at timestamptz not null default now()
);
create table if not exists sessions (
  id text primary key,
  user_id bigint not null references users(id),
  csrf text not null,
  expires_at timestamptz not null
);
create table if not exists tokens (
  id bigserial primary key,
  user_id bigint not null references users(id),
  name text not null,
  hash text not null unique,
  created_at timestamptz not null default now()
);
create table if not exists audit (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  target text not null,
  detail jsonb not null default '{}'
);
create or replace function audit_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the audit log is append-only';
end $$;
drop trigger if exists audit_no_rewrite on audit;
create trigger audit_no_rewrite before update or delete on audit for each row execute function audit_append_only();
create table if not exists uploads (
  id text primary key,
  user_name text not null,
  org text not null,
  model text not null,
  filename text not null,
  length bigint not null,
  received bigint not null default 0,
  created_at timestamptz not null default now(),
  artifact_id bigint
);
create table if not exists artifacts (
  id bigserial primary key,
  org text not null,
  model text not null,
  filename text not null,
  sha256 text not null,
  size bigint not null,
  uploaded_by text not null,
  created_at timestamptz not null default now(),
  state text not null check (state in ('queued', 'processing', 'held', 'quarantined', 'published')),
  reason text not null default '',
  verdict text,
  engine text,
  report jsonb,
  override jsonb,
  revision text
);
create index if not exists artifacts_model on artifacts (org, model);
create table if not exists steps (
  id bigserial primary key,
  artifact_id bigint not null references artifacts(id),
  step text not null,
  status text not null,
  at timestamptz not null default now(),
  evidence jsonb not null default '{}'
);
create table if not exists jobs (
  id bigserial primary key,
  artifact_id bigint not null references artifacts(id),
  state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
  attempts int not null default 0,
  worker text,
  locked_at timestamptz,
  error text,
  created_at timestamptz not null default now()
);
create index if not exists jobs_queued on jobs (state, id);
create table if not exists revisions (
  org text not null,
  model text not null,
  rev text not null,
  artifact_id bigint not null references artifacts(id),
  created_at timestamptz not null default now(),
  files jsonb not null,
  primary key (org, model, rev)
);
alter table jobs add column if not exists kind text not null default 'pipeline';
alter table artifacts add column if not exists policy text;
create table if not exists rescans (
  id bigserial primary key,
  artifact_id bigint not null references artifacts(id),
  job_id bigint references jobs(id),
  state text not null default 'queued' check (state in ('queued', 'done', 'failed')),
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  old_engine text,
  old_policy text,
  new_engine text,
  new_policy text,
  old_verdict text,
  new_verdict text,
  action text,
  diff jsonb
);
create index if not exists rescans_artifact on rescans (artifact_id, id);
create table if not exists upload_parts (
  upload_id text not null references uploads(id) on delete cascade,
  start bigint not null,
  size bigint not null,
  sha256 text not null,
  name text not null,
  primary key (upload_id, start)
);
alter table uploads add column if not exists updated_at timestamptz;
alter table artifacts add column if not exists blob_missing jsonb;
create index if not exists artifacts_sha256 on artifacts (sha256);
create table if not exists blob_gc (
  sha256 text primary key,
  marked_at timestamptz not null default now()
);
-- Which revisions refer to which blob, for the GC reference check (store/gc.ts): an indexed lookup by digest instead of
-- unpacking every revision's files. Filled by a trigger on every revision inserted and emptied with it (a revision's
-- files are never updated); an existing database is filled once, below.
create table if not exists revision_blobs (
  sha256 text not null,
  org text not null,
  model text not null,
  rev text not null,
  primary key (sha256, org, model, rev),
  foreign key (org, model, rev) references revisions (org, model, rev) on delete cascade
);
create index if not exists revision_blobs_rev on revision_blobs (org, model, rev);
create or replace function revision_blobs_add() returns trigger language plpgsql as $$
begin
  insert into revision_blobs (sha256, org, model, rev)
    select distinct f->>'sha256', new.org, new.model, new.rev from jsonb_array_elements(new.files) f where f->>'sha256' is not null
    on conflict do nothing;
  return new;
end $$;
drop trigger if exists revisions_blobs on revisions;
create trigger revisions_blobs after insert on revisions for each row execute function revision_blobs_add();
do $$
begin
  if not exists (select 1 from meta where key = 'revision_blobs') then
    insert into revision_blobs (sha256, org, model, rev)
      select distinct f->>'sha256', r.org, r.model, r.rev from revisions r, jsonb_array_elements(r.files) f where f->>'sha256' is not null
      on conflict do nothing;
    insert into meta (key, value) values ('revision_blobs', 'filled');
  end if;
end $$;
-- Retention (store/retention.ts): a pinned revision is never dropped; a retired artifact lost its revision to the policy.
alter table revisions add column if not exists pinned jsonb;
alter table artifacts add column if not exists retired jsonb;
insert into meta (key, value) values ('schema', '${SCHEMA_VERSION}') on conflict (key) do nothing;
`;

export async function migrate(sql: Sql): Promise<void> {
  // Two processes starting at once against one PostgreSQL must not race on the DDL.
  await sql.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(727001)');
    for (const stmt of splitStatements(DDL)) await tx.query(stmt);
  });
}

/** Splits on `;` at line ends outside `$$` bodies (enough for the DDL above). */
function splitStatements(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inBody = false;
  for (const line of text.split('\n')) {
    cur += `${line}\n`;
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && line.trimEnd().endsWith(';')) {
      out.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}
