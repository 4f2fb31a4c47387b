/**
 * Local stand-ins for the Sigstore services, over real HTTP on 127.0.0.1:
 *
 * - an OIDC token endpoint in the style of GitHub Actions (`GET /token`,
 *   bearer-authenticated, `?audience=`), handing out ES256 JWTs;
 * - Fulcio `POST /api/v2/signingCert`: checks the JWT (signature, audience,
 *   expiry) and the proof of possession (the subject signed by the key to
 *   certify), then issues a code-signing certificate for the token's e-mail
 *   and issuer with an embedded SCT signed by a mock CT log;
 * - Rekor `POST /api/v1/log/entries` (`dsse` 0.0.1): checks the DSSE
 *   signature against the certificate, appends the canonical body to an
 *   RFC 6962 Merkle tree and returns a signed entry timestamp, an inclusion
 *   proof and a signed checkpoint;
 * - a timestamp authority route that only ever fails (RFC 3161 responses
 *   are not mocked).
 *
 * `trustedRoot()` is the matching Sigstore trusted root, so bundles made
 * here verify offline with `@sigstore/verify`.
 */
import { createHash, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ecKey, extension, leafExtensions, makeRoot, name, octets, signTbs, spki, tbs, type TestCa } from './x509-builder.js';

export const MOCK_ISSUER = 'https://oidc.mock.test';
export const CI_BEARER = 'ci-request-token';
const MAX_REQUEST = 1024 * 1024;

const sha256 = (...parts: (Buffer | string)[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);

// RFC 6962 §2.1 Merkle tree hash and audit path.
const hashChildren = (l: Buffer, r: Buffer): Buffer => sha256(Buffer.from([1]), l, r);
const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
function mth(d: Buffer[]): Buffer {
  if (d.length === 1) return d[0] as Buffer;
  const k = split(d.length);
  return hashChildren(mth(d.slice(0, k)), mth(d.slice(k)));
}
function auditPath(m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k ? [...auditPath(m, d.slice(0, k)), mth(d.slice(k))] : [...auditPath(m - k, d.slice(k)), mth(d.slice(0, k))];
}

export interface MockSigstore {
  url: string;
  /** GitHub Actions style token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL). */
  tokenUrl: string;
  ca: TestCa;
  /** Paths requested, in order. */
  calls: string[];
  /** HTTP status the next requests to a service get instead of an answer. */
  fail: { fulcio?: number; rekor?: number };
  /** Misbehaviours: `sct` signs the embedded SCT with a key the CT log does not have. */
  forge: { sct?: boolean };
  /** A JWT as the mock issuer signs it (or with another key: `forged`). */
  token(claims?: { email?: string; aud?: string; expired?: boolean; forged?: boolean }): string;
  trustedRoot(): Record<string, unknown>;
  /** A client trust config: the trusted root plus a signing config naming this mock. */
  clientTrustConfig(): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startMockSigstore(identity: string): Promise<MockSigstore> {
  const oidcKey = ecKey();
  const ctKey = ecKey();
  const rekorKey = ecKey();
  const ca = makeRoot('mock-fulcio-root');
  const leaves: Buffer[] = [];
  // Entries before ours, so inclusion proofs have hashes to check.
  for (let i = 0; i < 6; i++) leaves.push(sha256(Buffer.from([0]), `earlier entry ${i}`));
  let base = '';
  const calls: string[] = [];
  const fail: MockSigstore['fail'] = {};
  const forge: MockSigstore['forge'] = {};

  function token(c: { email?: string; aud?: string; expired?: boolean; forged?: boolean } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT' }));
    const email = c.email ?? identity;
    const exp = c.expired === true ? now - 60 : now + 600;
    const body = b64url(JSON.stringify({ iss: MOCK_ISSUER, aud: c.aud ?? 'sigstore', sub: email, email, email_verified: true, iat: now - 60, exp }));
    const key = c.forged === true ? ecKey().privateKey : oidcKey.privateKey;
    return `${header}.${body}.${b64url(sign('sha256', Buffer.from(`${header}.${body}`), { key, dsaEncoding: 'ieee-p1363' }))}`;
  }

  function checkJwt(jwt: string): { email: string; iss: string } {
    const [h, p, s] = jwt.split('.');
    if (h === undefined || p === undefined || s === undefined) throw new Error('malformed JWT');
    if (!verify('sha256', Buffer.from(`${h}.${p}`), { key: oidcKey.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')))
      throw new Error('bad JWT signature');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { email: string; iss: string; aud: string; exp: number };
    if (claims.aud !== 'sigstore') throw new Error('wrong audience');
    if (claims.exp * 1000 < Date.now()) throw new Error('token expired');
    return claims;
  }

  function issueCert(publicKeyPem: string, email: string, iss: string): X509Certificate {
    const now = Date.now();
    const spec = {
      serial: BigInt(now),
      issuer: ca.name,
      subject: name(''),
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 600_000),
      publicKey: createPublicKey(publicKeyPem),
      extensions: leafExtensions(email, iss),
    };
    // RFC 6962 §3.2: the SCT signs the TBS without the SCT extension, after the issuer key hash.
    const pre = tbs(spec);
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(now));
    const preLen = Buffer.from([pre.length >> 16, (pre.length >> 8) & 0xff, pre.length & 0xff]);
    const signed = Buffer.concat([Buffer.from([0, 0]), ts, u16(1), sha256(spki(ca.publicKey)), preLen, pre, u16(0)]);
    const sctSig = sign('sha256', signed, forge.sct === true ? ecKey().privateKey : ctKey.privateKey);
    const sct = Buffer.concat([Buffer.from([0]), sha256(spki(ctKey.publicKey)), ts, u16(0), Buffer.from([4, 3]), u16(sctSig.length), sctSig]);
    const list = Buffer.concat([u16(sct.length + 2), u16(sct.length), sct]);
    return signTbs(tbs({ ...spec, extensions: [...spec.extensions, extension('1.3.6.1.4.1.11129.2.4.2', false, octets(list))] }), ca.key);
  }

  function rekorEntry(req: {
    kind: string;
    apiVersion: string;
    spec: { proposedContent: { envelope: string; verifiers: string[] } };
  }): Record<string, unknown> {
    if (req.kind !== 'dsse' || req.apiVersion !== '0.0.1') throw new Error('only dsse 0.0.1 entries');
    const env = JSON.parse(req.spec.proposedContent.envelope) as { payload: string; payloadType: string; signatures: { sig: string }[] };
    const verifier = req.spec.proposedContent.verifiers[0] ?? '';
    const cert = new X509Certificate(Buffer.from(verifier, 'base64').toString());
    const payload = Buffer.from(env.payload, 'base64');
    const pae = Buffer.concat([Buffer.from(`DSSEv1 ${env.payloadType.length} ${env.payloadType} ${payload.length} `), payload]);
    const sig = env.signatures[0]?.sig ?? '';
    if (env.signatures.length !== 1 || !verify('sha256', pae, cert.publicKey, Buffer.from(sig, 'base64'))) throw new Error('DSSE signature does not verify');
    const body = JSON.stringify({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: sha256(req.spec.proposedContent.envelope).toString('hex') },
        payloadHash: { algorithm: 'sha256', value: sha256(payload).toString('hex') },
        signatures: [{ signature: sig, verifier }],
      },
    });
    const index = leaves.length;
    leaves.push(sha256(Buffer.from([0]), body));
    const integratedTime = Math.floor(Date.now() / 1000);
    const logID = sha256(spki(rekorKey.publicKey)).toString('hex');
    const bodyB64 = Buffer.from(body).toString('base64');
    // The SET signs the canonical JSON (sorted keys, no spaces) of these four fields.
    const canonical = `{"body":${JSON.stringify(bodyB64)},"integratedTime":${integratedTime},"logID":"${logID}","logIndex":${index}}`;
    const root = mth(leaves);
    const host = new URL(base).host;
    const note = `${host} - 42\n${leaves.length}\n${root.toString('base64')}\n`;
    const noteSig = Buffer.concat([sha256(spki(rekorKey.publicKey)).subarray(0, 4), sign('sha256', Buffer.from(note), rekorKey.privateKey)]);
    const inclusionProof = {
      logIndex: index,
      rootHash: root.toString('hex'),
      treeSize: leaves.length,
      hashes: auditPath(index, leaves).map((h) => h.toString('hex')),
      checkpoint: `${note}\n\u2014 ${host} ${noteSig.toString('base64')}\n`,
    };
    const verification = { signedEntryTimestamp: sign('sha256', Buffer.from(canonical), rekorKey.privateKey).toString('base64'), inclusionProof };
    return { [sha256(body).toString('hex')]: { body: bodyB64, integratedTime, logID, logIndex: index, verification } };
  }

  const keyOf = (k: typeof ctKey, start = '2020-01-01T00:00:00Z') => ({
    baseUrl: base,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: spki(k.publicKey).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
    logId: { keyId: sha256(spki(k.publicKey)).toString('base64') },
  });
  const trustedRoot = (): Record<string, unknown> => ({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [keyOf(rekorKey)],
    certificateAuthorities: [
      {
        subject: { organization: 'modelguard tests', commonName: 'mock-fulcio-root' },
        uri: base,
        certChain: { certificates: [{ rawBytes: ca.cert.raw.toString('base64') }] },
        validFor: { start: '2020-01-01T00:00:00Z' },
      },
    ],
    ctlogs: [keyOf(ctKey)],
    timestampAuthorities: [],
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, json: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_REQUEST) {
        reply(413, { message: 'too large' });
        return;
      }
      chunks.push(c as Buffer);
    }
    const body = Buffer.concat(chunks).toString();
    const url = new URL(req.url ?? '/', base);
    calls.push(url.pathname);
    try {
      if (req.method === 'GET' && url.pathname === '/token') {
        if (req.headers.authorization !== `bearer ${CI_BEARER}`) {
          reply(401, { message: 'unauthorized' });
          return;
        }
        reply(200, { value: token({ aud: url.searchParams.get('audience') ?? '' }) });
        return;
      }
      if (req.method === 'POST' && url.pathname === '/api/v2/signingCert') {
        if (fail.fulcio !== undefined) {
          reply(fail.fulcio, { message: 'mock Fulcio failure' });
          return;
        }
        const r = JSON.parse(body) as {
          credentials: { oidcIdentityToken: string };
          publicKeyRequest: { publicKey: { content: string }; proofOfPossession: string };
        };
        const claims = checkJwt(r.credentials.oidcIdentityToken);
        const pop = Buffer.from(r.publicKeyRequest.proofOfPossession, 'base64');
        if (!verify('sha256', Buffer.from(claims.email), createPublicKey(r.publicKeyRequest.publicKey.content), pop)) {
          reply(400, { message: 'proof of possession failed' });
          return;
        }
        const cert = issueCert(r.publicKeyRequest.publicKey.content, claims.email, claims.iss);
        reply(201, { signedCertificateEmbeddedSct: { chain: { certificates: [cert.toString(), ca.cert.toString()] } } });
        return;
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/log/entries') {
        if (fail.rekor !== undefined) {
          reply(fail.rekor, { message: 'mock Rekor failure' });
          return;
        }
        reply(201, rekorEntry(JSON.parse(body) as Parameters<typeof rekorEntry>[0]));
        return;
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/timestamp') {
        reply(503, { message: 'mock TSA is down' });
        return;
      }
      reply(404, { message: 'not found' });
      return;
    } catch (e) {
      reply(400, { message: e instanceof Error ? e.message : String(e) });
      return;
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    tokenUrl: `${base}/token?api-version=2.0`,
    ca,
    calls,
    fail,
    forge,
    token,
    trustedRoot,
    clientTrustConfig: () => ({
      mediaType: 'application/vnd.dev.sigstore.clienttrustconfig.v0.1+json',
      trustedRoot: trustedRoot(),
      signingConfig: {
        mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
        caUrls: [{ url: base, majorApiVersion: 1, validFor: { start: '2020-01-01T00:00:00Z' } }],
        oidcUrls: [],
        rekorTlogUrls: [{ url: base, majorApiVersion: 1, validFor: { start: '2020-01-01T00:00:00Z' } }],
        tsaUrls: [],
        rekorTlogConfig: { selector: 'ANY' },
        tsaConfig: { selector: 'ANY' },
      },
    }),
    close: () =>
      new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => {
          res();
        });
      }),
  };
}

/** A 127.0.0.1 port nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((res) =>
    s.close(() => {
      res();
    }),
  );
  return port;
}
