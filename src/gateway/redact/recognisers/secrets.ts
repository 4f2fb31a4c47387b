/**
 * Credentials with a recognisable shape: cloud and SaaS API keys by their
 * documented prefixes, private-key PEM blocks, JWTs (whose header must
 * decode to JSON naming an algorithm).
 */
import type { Recogniser } from '../recogniser.js';
import { shannonBits } from './entropy.js';

function jwtValid(v: string): boolean {
  const header = v.slice(0, v.indexOf('.'));
  try {
    const json = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    return typeof json === 'object' && json !== null && typeof (json as Record<string, unknown>)['alg'] === 'string';
  } catch {
    return false;
  }
}

const secret = (type: string, pattern: RegExp, extra: Partial<Recogniser> = {}): Recogniser => ({ category: 'secret', type, pattern, ...extra });

export const SECRETS: readonly Recogniser[] = [
  // AWS access key ids: a 4-letter kind (AKIA long-term, ASIA temporary...) and 16 base32 characters.
  secret('aws-access-key-id', /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z2-7]{16}(?![A-Z0-9])/g, { minRun: 20 }),
  // AWS secret access keys: 40 base64 characters, only next to the words that name them.
  secret('aws-secret-access-key', /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, {
    minRun: 40,
    context: /\b(?:aws|secret[_ ]?access[_ ]?key|secret[_ ]?key)\b/i,
    validate: (v) => shannonBits(v) >= 4,
  }),
  // GitHub tokens: ghp_ (classic), gho_ (OAuth), ghu_/ghs_ (app), ghr_ (refresh); fine-grained github_pat_.
  secret('github-token', /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/g, { minRun: 40 }),
  secret('github-token', /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9_])/g, { minRun: 93 }),
  // Slack tokens (bot, user, app, config, refresh) and incoming webhooks.
  secret('slack-token', /(?<![A-Za-z0-9-])xox[abposre]-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9-])/g, { minRun: 15 }),
  secret('slack-webhook', /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{16,32}/g, { minRun: 16 }),
  // OpenAI, Anthropic, Stripe live/restricted, Google API keys.
  secret('api-key', /(?<![A-Za-z0-9_-])sk-(?:proj-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{20,200}(?![A-Za-z0-9_-])/g, { minRun: 23 }),
  secret('api-key', /(?<![A-Za-z0-9_])(?:sk|rk)_live_[A-Za-z0-9]{20,99}(?![A-Za-z0-9_])/g, { minRun: 28 }),
  secret('api-key', /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, { minRun: 39 }),
  // PEM private keys (PKCS#1, PKCS#8, EC, OpenSSH, PGP), complete or cut off.
  secret(
    'private-key',
    /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,16384}?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,-]{0,16384})/g,
    { hint: (text) => text.includes('-----BEGIN ') },
  ),
  secret('jwt', /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,2048}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{16,1024}(?![A-Za-z0-9_-])/g, {
    minRun: 16,
    hint: /eyJ/,
    validate: jwtValid,
  }),
];
