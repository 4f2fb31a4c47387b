/**
 * OIDC identity tokens for keyless signing, in the reference's order of
 * precedence: an explicit token, then ambient credentials (the
 * `SIGSTORE_ID_TOKEN` variable, then GitHub Actions' token endpoint when
 * `ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN` are set, audience `sigstore`).
 * The reference's interactive browser flow is not implemented (these tools
 * run where there is no browser): a missing token is an `E_USAGE` error that
 * says how to provide one. Token text never appears in error messages.
 */
import { ModelguardError } from '../errors.js';
import { SignError } from './errors.js';

export interface TokenOptions {
  identityToken?: string;
  /** Look for SIGSTORE_ID_TOKEN and CI token endpoints (default true). */
  useAmbientCredentials?: boolean;
  /** Environment read for ambient credentials (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
}

/** Audience Fulcio expects in the token. */
export const SIGSTORE_AUDIENCE = 'sigstore';
/** Bytes of a token or token-endpoint response accepted (JWTs are a few KiB; CWE-400). */
export const MAX_TOKEN_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

const HOW_TO =
  'no OIDC identity token: pass --identity-token TOKEN (library: identityToken), set SIGSTORE_ID_TOKEN, ' +
  'or run in GitHub Actions with `permissions: id-token: write` (the interactive browser flow is not supported)';

/** Reads a response body, refusing more than `max` bytes before buffering them (CWE-400). */
export async function readCapped(res: Response, max: number, what: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > max) throw new SignError('E_SIG_NETWORK', `${what} is larger than ${max} bytes`);
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
    if (done || value === undefined) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new SignError('E_SIG_NETWORK', `${what} is larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Checks that a token is a JWT whose payload names a subject Fulcio can
 * certify (a verified e-mail or `sub`), so that a bad token fails here with
 * a clear message rather than deep inside the client (which echoes it).
 */
export function checkTokenShape(token: string, source: string): void {
  const bad = (why: string): never => {
    throw new ModelguardError('E_USAGE', `${source} is not usable: ${why}`);
  };
  if (token.length > MAX_TOKEN_BYTES) bad(`longer than ${MAX_TOKEN_BYTES} bytes`);
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+={0,2}$/.test(p))) bad('not a JWT (three base64url parts)');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    bad('the JWT payload is not JSON');
  }
  if (typeof claims !== 'object' || claims === null) bad('the JWT payload is not an object');
  const c = claims as Record<string, unknown>;
  if (typeof c['email'] === 'string' && c['email_verified'] !== true) bad('its e-mail claim is not verified');
  if (typeof c['email'] !== 'string' && typeof c['sub'] !== 'string') bad('it has neither an e-mail nor a subject claim');
}

async function githubActionsToken(url: string, bearer: string, timeoutMs: number): Promise<string> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ModelguardError('E_USAGE', 'ACTIONS_ID_TOKEN_REQUEST_URL is not a URL');
  }
  u.searchParams.set('audience', SIGSTORE_AUDIENCE);
  let res: Response;
  let text: string;
  try {
    res = await fetch(u, {
      headers: { Authorization: `bearer ${bearer}`, Accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await readCapped(res, MAX_TOKEN_BYTES, 'the CI token response');
  } catch (e) {
    if (e instanceof SignError) throw e;
    throw new SignError(
      'E_SIG_NETWORK',
      `cannot get a token from the GitHub Actions token endpoint (${u.origin}): ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  if (!res.ok) throw new SignError('E_SIG_NETWORK', `the GitHub Actions token endpoint (${u.origin}) answered HTTP ${res.status}`);
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch (e) {
    throw new SignError('E_SIG_NETWORK', 'the GitHub Actions token response is not JSON', { cause: e });
  }
  if (typeof value !== 'string' || value === '') throw new SignError('E_SIG_NETWORK', 'the GitHub Actions token response holds no token');
  return value;
}

type TokenSource = { kind: 'static'; token: string } | { kind: 'github'; url: string; bearer: string };

/**
 * Where the token will come from, checked without any network access (so a
 * missing token fails before a long hash). Throws `E_USAGE` saying how to
 * provide one.
 */
export function tokenSource(o: TokenOptions): TokenSource {
  if (o.identityToken !== undefined && o.identityToken !== '') {
    checkTokenShape(o.identityToken, 'the given identity token');
    return { kind: 'static', token: o.identityToken };
  }
  if (o.useAmbientCredentials !== false) {
    const env = o.env ?? process.env;
    const fromEnv = env['SIGSTORE_ID_TOKEN'];
    if (fromEnv !== undefined && fromEnv !== '') {
      checkTokenShape(fromEnv, 'the token in SIGSTORE_ID_TOKEN');
      return { kind: 'static', token: fromEnv };
    }
    const url = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    const bearer = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    if (url !== undefined && url !== '' && bearer !== undefined && bearer !== '') return { kind: 'github', url, bearer };
  }
  throw new ModelguardError('E_USAGE', o.useAmbientCredentials === false ? `${HOW_TO}; ambient credentials are disabled` : HOW_TO);
}

/** Returns an identity token (asking the CI token endpoint if that is the source), or throws `E_USAGE`. */
export async function identityToken(o: TokenOptions): Promise<string> {
  const src = tokenSource(o);
  if (src.kind === 'static') return src.token;
  const token = await githubActionsToken(src.url, src.bearer, o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  checkTokenShape(token, 'the token from GitHub Actions');
  return token;
}
