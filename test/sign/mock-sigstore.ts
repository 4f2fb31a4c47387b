/**
 * Local stand-ins for the Sigstore services, over real HTTP on 127.0.0.1:
 *
 * - an OIDC token endpoint in the style of GitHub Actions (`?audience=`),
 *   handing out ES256-signed JWTs;
 * - Fulcio `POST /api/v2/signingCert`: checks the JWT signature and the
 *   proof of possession, issues a code-signing certificate for the token's
 *   e-mail and issuer with an embedded SCT from a mock CT log;
 * - Rekor `POST /api/v1/log/entries` for `dsse` 0.0.1 entries: checks the
 *   DSSE signature against the certificate, returns the canonical body and
 *   a signed entry timestamp.
 *
 * `trustedRoot()` is the matching Sigstore trusted root, so bundles made
 * against these services verify offline with `@sigstore/verify`.
 */
import { createHash, createPublicKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ecKey, extensions, makeRoot, octets, oid, seq, signTbs, tbs, type CertSpec, type TestCa } from './x509-builder.js';

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
const spki = (k: KeyObject): Buffer => (k.type === 'private' ? createPublicKey(k) : k).export({ type: 'spki', format: 'der' });
const logId = (k: KeyObject): Buffer => createHash('sha256').update(spki(k)).digest();

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export interface MockSigstore {
  url: string;
  tokenUrl: string;
  issuer: string;
  ca: TestCa;
  trustedRoot(): Record<string, unknown>;
  /** Requests seen, by path. */
  calls: string[];
  /** Makes the next Fulcio request fail with this HTTP status. */
  failFulcioWith?: number;
  close(): Promise<void>;
}

export async function startMockSigstore(identity: string): Promise<MockSigstore> {
  const oidcKey = ecKey();
  const ctKey = ecKey();
  const rekorKey = ecKey();
  const ca = makeRoot('mock-fulcio-root');
  let logIndex = 0;
  let base = '';
  const issuer = 'https://oidc.mock.invalid';

  function jwt(audience: string): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT' }));
    const body = b64url(JSON.stringify({ iss: issuer, aud: audience, sub: identity, email: identity, email_verified: true, iat: now, exp: now + 300 }));
    const sig = sign('sha256', Buffer.from(`${header}.${body}`), { key: oidcKey.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${header}.${body}.${b64url(sig)}`;
  }

  function checkJwt(token: string): { email: string; iss: string } {
    const [h, p, s] = token.split('.');
    if (h === undefined || p === undefined || s === undefined) throw new Error('malformed JWT');
    if (!verify('sha256', Buffer.from(`${h}.${p}`), { key: oidcKey.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))) throw new Error('bad JWT signature');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { email: string; iss: string; aud: string };
    if (claims.aud !== 'sigstore') throw new Error('wrong audience');
    return claims;
  }

  function issueCert(publicKeyPem: string, email: string, iss: string): X509Certificate {
    const publicKey = createPublicKey(publicKeyPem);
    const now = Date.now();
    const spec: CertSpec = {
      subject: '',
      publicKey,
      issuer: { name: ca.name, key: ca.key, publicKey: ca.publicKey },
      codeSigning: true,
      email,
      oidcIssuer: iss,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 600_000),
    };
    const exts = extensions(spec);
    const serial = BigInt(now);
    // RFC 6962 §3.2: the SCT signs the TBS without the SCT extension, prefixed by the issuer key hash.
    const pre = tbs(spec, exts, serial);
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(now));
    const len = Buffer.alloc(3);
    len.writeUIntBE(pre.length, 0, 3);
    const signed = Buffer.concat([Buffer.from([0, 0]), ts, u16(1), createHash('sha256').update(spki(ca.publicKey)).digest(), len, pre, u16(0)]);
    const sctSig = sign('sha256', signed, ctKey.privateKey);
    const sct = Buffer.concat([Buffer.from([0]), logId(ctKey.publicKey), ts, u16(0), Buffer.from([4, 3]), u16(sctSig.length), sctSig]);
    const list = Buffer.concat([u16(sct.length + 2), u16(sct.length), sct]);
    const sctExt = seq(oid('1.3.6.1.4.1.11129.2.4.2'), octets(octets(list)));
    return signTbs(tbs(spec, [...exts, sctExt], serial), spec, ca.key);
  }

  function rekorEntry(req: { kind: string; apiVersion: string; spec: { proposedContent: { envelope: string; verifiers: string[] } } }): Record<string, unknown> {
    if (req.kind !== 'dsse' || req.apiVersion !== '0.0.1') throw new Error('only dsse 0.0.1 entries');
    const env = JSON.parse(req.spec.proposedContent.envelope) as { payload: string; payloadType: string; signatures: { sig: string }[] };
    const verifierPem = Buffer.from(req.spec.proposedContent.verifiers[0] ?? '', 'base64').toString();
    const cert = new X509Certificate(verifierPem);
    const payload = Buffer.from(env.payload, 'base64');
    const pae = Buffer.concat([Buffer.from(`DSSEv1 ${env.payloadType.length} ${env.payloadType} ${payload.length} `), payload]);
    const sig = Buffer.from(env.signatures[0]?.sig ?? '', 'base64');
    if (!verify('sha256', pae, cert.publicKey, sig)) throw new Error('DSSE signature does not verify');
    const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
    const body = JSON.stringify({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: sha(req.spec.proposedContent.envelope) },
        payloadHash: { algorithm: 'sha256', value: sha(payload) },
        signatures: [{ signature: env.signatures[0]?.sig, verifier: req.spec.proposedContent.verifiers[0] }],
      },
    });
    const integratedTime = Math.floor(Date.now() / 1000);
    const id = logId(rekorKey.publicKey).toString('hex');
    const index = logIndex++;
    const bodyB64 = Buffer.from(body).toString('base64');
    // Canonical JSON (sorted keys, no spaces) of the verification payload.
    const canonical = `{"body":${JSON.stringify(bodyB64)},"integratedTime":${integratedTime},"logID":${JSON.stringify(id)},"logIndex":${index}}`;
    const set = sign('sha256', Buffer.from(canonical), rekorKey.privateKey).toString('base64');
    // Each entry is its own one-leaf tree: root = leaf hash, no proof hashes; the checkpoint is a signed note.
    const root = createHash('sha256').update(Buffer.from([0])).update(body).digest();
    const note = `${new URL(base).host} - mock log\n1\n${root.toString('base64')}\n`;
    const noteSig = Buffer.concat([logId(rekorKey.publicKey).subarray(0, 4), sign('sha256', Buffer.from(note), rekorKey.privateKey)]);
    const checkpoint = `${note}\n\u2014 ${new URL(base).host} ${noteSig.toString('base64')}\n`;
    const inclusionProof = { logIndex: 0, rootHash: root.toString('hex'), treeSize: 1, hashes: [], checkpoint };
    return { [sha(body)]: { body: bodyB64, integratedTime, logID: id, logIndex: index, verification: { signedEntryTimestamp: set, inclusionProof } } };
  }

  const calls: string[] = [];
  const mock: MockSigstore = {
    url: '',
    tokenUrl: '',
    issuer,
    ca,
    calls,
    trustedRoot: () => ({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [
        {
          baseUrl: base,
          hashAlgorithm: 'SHA2_256',
          publicKey: { rawBytes: spki(rekorKey.publicKey).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } },
          logId: { keyId: logId(rekorKey.publicKey).toString('base64') },
        },
      ],
      certificateAuthorities: [
        {
          subject: { organization: 'mock', commonName: 'mock-fulcio-root' },
          uri: base,
          certChain: { certificates: [{ rawBytes: ca.cert.raw.toString('base64') }] },
          validFor: { start: '2020-01-01T00:00:00Z' },
        },
      ],
      ctlogs: [
        {
          baseUrl: base,
          hashAlgorithm: 'SHA2_256',
          publicKey: { rawBytes: spki(ctKey.publicKey).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } },
          logId: { keyId: logId(ctKey.publicKey).toString('base64') },
        },
      ],
      timestampAuthorities: [],
    }),
    close: () => new Promise<void>((res) => server.close(() => res())),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    const url = new URL(req.url ?? '/', base);
    calls.push(url.pathname);
    const reply = (status: number, json: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    try {
      if (req.method === 'GET' && url.pathname === '/token') {
        if (req.headers.authorization !== 'bearer ci-request-token') return reply(401, { message: 'unauthorized' });
        return reply(200, { value: jwt(url.searchParams.get('audience') ?? '') });
      }
      if (req.method === 'POST' && url.pathname === '/api/v2/signingCert') {
        if (mock.failFulcioWith !== undefined) {
          const status = mock.failFulcioWith;
          delete mock.failFulcioWith;
          return reply(status, { message: 'mock failure' });
        }
        const r = JSON.parse(body) as { credentials: { oidcIdentityToken: string }; publicKeyRequest: { publicKey: { content: string }; proofOfPossession: string } };
        const claims = checkJwt(r.credentials.oidcIdentityToken);
        const pk = createPublicKey(r.publicKeyRequest.publicKey.content);
        if (!verify('sha256', Buffer.from(claims.email), pk, Buffer.from(r.publicKeyRequest.proofOfPossession, 'base64'))) {
          return reply(400, { message: 'proof of possession failed' });
        }
        const cert = issueCert(r.publicKeyRequest.publicKey.content, claims.email, claims.iss);
        return reply(201, { signedCertificateEmbeddedSct: { chain: { certificates: [cert.toString(), ca.cert.toString()] } } });
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/log/entries') return reply(201, rekorEntry(JSON.parse(body) as Parameters<typeof rekorEntry>[0]));
      return reply(404, { message: 'not found' });
    } catch (e) {
      return reply(400, { message: e instanceof Error ? e.message : String(e) });
    }
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mock.url = base;
  mock.tokenUrl = `${base}/token?api-version=2.0`;
  return mock;
}
