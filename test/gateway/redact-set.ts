/**
 * A labelled set for the sensitive-data recognisers, generated from a seed:
 * checksum-valid values (computed with each scheme's own algorithm) inside
 * sentences, the same values with a broken check digit (which must not be
 * flagged), and look-alikes that are not sensitive (dates, versions, hashes,
 * order numbers). Used by test/gateway/redact.test.ts and printed by
 * `npm run bench:gateway-redact`.
 */
import type { SensitiveCategory } from '../../src/gateway/config/types.js';

export interface Sample {
  readonly text: string;
  /** Expected sensitive spans, with the kind that made them. */
  readonly expected: readonly { readonly category: SensitiveCategory; readonly type: string; readonly start: number; readonly end: number }[];
  /** What the sample tests: `valid:card`, `invalid:card`, `negative:version`... */
  readonly label: string;
}

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function labelledSet(seed = 17, perKind = 40): Sample[] {
  const r = rng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const digits = (n: number): string => Array.from({ length: n }, () => String(int(10))).join('');
  const alnum = (n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string =>
    Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join('');
  const mod = (s: string, m: number): number => [...s].reduce((acc, ch) => (acc * 10 + Number(ch)) % m, 0);
  const luhnDigit = (body: string): string => {
    let sum = 0;
    for (let i = 0; i < body.length; i++) {
      let d = Number(body[body.length - 1 - i]);
      if (i % 2 === 0) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return String((10 - (sum % 10)) % 10);
  };
  const bump = (ch: string, alphabet = '0123456789'): string => alphabet[(alphabet.indexOf(ch) + 1 + int(alphabet.length - 1)) % alphabet.length] as string;
  const samples: Sample[] = [];
  const add = (label: string, template: string, value: string, category?: SensitiveCategory, type?: string): void => {
    const at = template.indexOf('{}');
    const text = template.replace('{}', value);
    samples.push({ text, label, expected: category === undefined ? [] : [{ category, type: type ?? category, start: at, end: at + value.length }] });
  };
  const both = (kind: string, category: SensitiveCategory, templates: readonly string[], make: () => [valid: string, invalid: string | undefined]): void => {
    for (let i = 0; i < perKind; i++) {
      const [valid, invalid] = make();
      add(`valid:${kind}`, pick(templates), valid, category, kind);
      if (invalid !== undefined) add(`invalid:${kind}`, pick(templates), invalid);
    }
  };

  // Payment cards: Visa, Mastercard, Amex, Discover; grouped or not.
  both('card', 'card', ['Charge my card {} please.', 'card number: {}', 'Use {} for the order.'], () => {
    const [prefix, len] = pick([
      ['4', 16],
      ['51', 16],
      ['55', 16],
      ['2221', 16],
      ['34', 15],
      ['37', 15],
      ['6011', 16],
    ] as const);
    const body = prefix + digits(len - prefix.length - 1);
    const check = luhnDigit(body);
    const fmt = (pan: string): string => (len === 16 && r() < 0.5 ? (pan.match(/.{4}/g) ?? []).join(pick([' ', '-'])) : pan);
    return [fmt(body + check), fmt(body + bump(check))];
  });

  // IBANs of several countries: check digits = 98 - (BBAN + country + 00 mod 97).
  both('iban', 'iban', ['Wire it to {} today.', 'IBAN {}', 'My account is {}, thanks.'], () => {
    const [cc, len] = pick([
      ['DE', 22],
      ['FR', 27],
      ['GB', 22],
      ['NL', 18],
      ['ES', 24],
      ['IT', 27],
      ['BE', 16],
      ['CH', 21],
    ] as const);
    const bban = cc === 'GB' || cc === 'NL' ? alnum(4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') + digits(len - 8) : digits(len - 4);
    const numeric = [...`${bban}${cc}00`].map((ch) => (/\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55))).join('');
    const check = String(98 - mod(numeric, 97)).padStart(2, '0');
    const compact = `${cc}${check}${bban}`;
    const grouped = (s: string): string => (r() < 0.5 ? (s.match(/.{1,4}/g) ?? []).join(' ') : s);
    const wrong = `${cc}${String((Number(check) + 1 + int(90)) % 97).padStart(2, '0')}${bban}`;
    return [grouped(compact), wrong === compact ? undefined : grouped(wrong)];
  });

  // E-mail addresses; invalid ones have no top-level domain.
  both('email', 'email', ['Write to {} for details.', 'email: {}', 'cc {} on that.'], () => {
    const local = `${alnum(5, 'abcdefghijklmnopqrstuvwxyz')}${pick(['.', '_', '+', ''])}${alnum(3, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
    const domain = `${alnum(6, 'abcdefghijklmnopqrstuvwxyz')}.${pick(['com', 'org', 'de', 'co.uk', 'io'])}`;
    return [`${local}@${domain}`, `${local}@${alnum(6, 'abcdefghijklmnopqrstuvwxyz')}`];
  });

  // Phone numbers: international on their own, national after a context word.
  for (let i = 0; i < perKind; i++) {
    const intl = pick([
      `+44 20 ${digits(4)} ${digits(4)}`,
      `+1 (415) ${digits(3)}-${digits(4)}`,
      `+33 6 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
      `+49 30 ${digits(8)}`,
    ]);
    add('valid:phone', pick(['Call {} after six.', 'Reach me on {}.', 'WhatsApp: {}']), intl, 'phone');
    const national = pick([`(415) ${digits(3)}-${digits(4)}`, `020 ${digits(4)} ${digits(4)}`, `06 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`]);
    add('valid:phone', pick(['my phone is {}', 'Tel. {}', 'mobile: {}']), national, 'phone');
  }

  // National identifiers, each with its own check rule.
  both('us-ssn', 'national-id', ['SSN {} on file.', 'Social security: {}', 'Her number is {}.'], () => {
    const area = String(1 + int(665)).padStart(3, '0');
    const group = String(1 + int(98)).padStart(2, '0');
    const serial = String(1 + int(9998)).padStart(4, '0');
    return [`${area}-${group}-${serial}`, `${pick(['000', '666', '9' + digits(2)])}-${group}-${serial}`];
  });
  both('es-dni', 'national-id', ['DNI {}', 'Mi documento es {}.', 'NIE: {}'], () => {
    const nie = r() < 0.3;
    const lead = nie ? pick(['X', 'Y', 'Z']) : '';
    const num = nie ? digits(7) : digits(8);
    const asNumber = Number((nie ? String('XYZ'.indexOf(lead)) : '') + num);
    const letters = 'TRWAGMYFPDXBNJZSQVHLCKE';
    const letter = letters[asNumber % 23] as string;
    return [`${lead}${num}${letter}`, `${lead}${num}${bump(letter, letters)}`];
  });
  both('fr-nir', 'national-id', ['numéro de sécurité sociale {}', 'NIR: {}', 'Carte vitale {}'], () => {
    const body = `${pick(['1', '2'])}${digits(2)}${String(1 + int(12)).padStart(2, '0')}${String(1 + int(95)).padStart(2, '0')}${digits(3)}${digits(3)}`;
    const key = 97 - mod(body, 97);
    const k = String(key).padStart(2, '0');
    return [`${body}${k}`, `${body}${String(((key + 1 + int(90)) % 97) + 1).padStart(2, '0')}`];
  });
  both('it-cf', 'national-id', ['codice fiscale {}', 'CF: {}', 'Il mio codice è {}.'], () => {
    const U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const body = `${alnum(6, U)}${digits(2)}${pick(Array.from('ABCDEHLMPRST'))}${String(1 + int(70)).padStart(2, '0')}${alnum(1, U)}${digits(3)}`;
    const odd: Record<string, number> = {
      0: 1,
      1: 0,
      2: 5,
      3: 7,
      4: 9,
      5: 13,
      6: 15,
      7: 17,
      8: 19,
      9: 21,
      A: 1,
      B: 0,
      C: 5,
      D: 7,
      E: 9,
      F: 13,
      G: 15,
      H: 17,
      I: 19,
      J: 21,
      K: 2,
      L: 4,
      M: 18,
      N: 20,
      O: 11,
      P: 3,
      Q: 6,
      R: 8,
      S: 12,
      T: 14,
      U: 16,
      V: 10,
      W: 22,
      X: 25,
      Y: 24,
      Z: 23,
    };
    let sum = 0;
    [...body].forEach((ch, i) => (sum += i % 2 === 0 ? (odd[ch] ?? 0) : /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 65));
    const check = U[sum % 26] as string;
    return [`${body}${check}`, `${body}${bump(check, U)}`];
  });
  both('fi-hetu', 'national-id', ['henkilötunnus {}', 'HETU {}', 'ID {} noted.'], () => {
    const date = `${String(1 + int(28)).padStart(2, '0')}${String(1 + int(12)).padStart(2, '0')}${digits(2)}`;
    const n = String(2 + int(897)).padStart(3, '0');
    const chars = '0123456789ABCDEFHJKLMNPRSTUVWXY';
    const check = chars[Number(date + n) % 31] as string;
    const sign = pick(['-', 'A', '+']);
    return [`${date}${sign}${n}${check}`, `${date}${sign}${n}${bump(check, chars)}`];
  });
  both('nl-bsn', 'national-id', ['BSN {}', 'mijn burgerservicenummer is {}', 'BSN: {}.'], () => {
    for (;;) {
      const d8 = digits(8);
      const partial = [...d8].reduce((s, ch, i) => s + Number(ch) * (9 - i), 0);
      const last = partial % 11;
      if (last > 9) continue;
      return [`${d8}${last}`, `${d8}${(last + 1 + int(8)) % 10}`];
    }
  });
  both('pl-pesel', 'national-id', ['PESEL {}', 'numer PESEL: {}', 'PESEL {}.'], () => {
    const body = `${digits(2)}${String(1 + int(12) + pick([0, 20])).padStart(2, '0')}${String(1 + int(28)).padStart(2, '0')}${digits(4)}`;
    const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    const check = (10 - ([...body].reduce((s, ch, i) => s + Number(ch) * (w[i] ?? 0), 0) % 10)) % 10;
    return [`${body}${check}`, `${body}${(check + 1 + int(8)) % 10}`];
  });
  both('se-pnr', 'national-id', ['personnummer {}', 'Mitt personnummer är {}.', 'personnummer: {}'], () => {
    const body = `${digits(2)}${String(1 + int(12)).padStart(2, '0')}${String(1 + int(28)).padStart(2, '0')}${digits(3)}`;
    const check = luhnDigit(body);
    const sep = pick(['-', '']);
    return [`${body.slice(0, 6)}${sep}${body.slice(6)}${check}`, `${body.slice(0, 6)}${sep}${body.slice(6)}${bump(check)}`];
  });

  // IP addresses.
  for (let i = 0; i < perKind; i++) {
    add('valid:ipv4', pick(['Server at {} is down.', 'from {}', 'ip={}']), `${1 + int(223)}.${int(256)}.${int(256)}.${1 + int(254)}`, 'ip', 'ipv4');
    const hex = (): string => int(65536).toString(16);
    add(
      'valid:ipv6',
      pick(['Server at {} is down.', 'addr {}']),
      r() < 0.5 ? `2001:db8:${hex()}:${hex()}::${hex()}` : `fe80::${hex()}:${hex()}:${hex()}:${hex()}`,
      'ip',
      'ipv6',
    );
    add('invalid:ipv4', pick(['Server at {} is down.', 'ip={}']), `${256 + int(700)}.${int(256)}.${int(256)}.${int(256)}`);
  }

  // Secrets with a recognisable shape, and high-entropy tokens next to a secret word.
  const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  for (let i = 0; i < perKind; i++) {
    add(
      'valid:aws-access-key-id',
      pick(['aws_access_key_id = {}', 'key {} leaked', 'use {}']),
      `${pick(['AKIA', 'ASIA'])}${alnum(16, B32)}`,
      'secret',
      'aws-access-key-id',
    );
    add(
      'valid:aws-secret-access-key',
      pick(['aws_secret_access_key = {}', 'AWS secret key: {}']),
      alnum(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+'),
      'secret',
      'aws-secret-access-key',
    );
    add('valid:github-token', pick(['GITHUB_TOKEN={}', 'token {} works', 'use {}']), `${pick(['ghp', 'gho', 'ghs'])}_${alnum(36)}`, 'secret', 'github-token');
    add('valid:slack-token', pick(['SLACK_BOT_TOKEN={}', 'slack: {}']), `xoxb-${digits(11)}-${digits(13)}-${alnum(24)}`, 'secret', 'slack-token');
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    add(
      'valid:jwt',
      pick(['Authorization: Bearer {}', 'jwt={}', 'session {}']),
      `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: alnum(8), iat: 1700000000 + int(1e6) })}.${alnum(43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')}`,
      'secret',
      'jwt',
    );
    const pem = `-----BEGIN ${pick(['RSA ', 'EC ', 'OPENSSH ', ''])}PRIVATE KEY-----\n${Array.from({ length: 3 }, () => alnum(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')).join('\n')}\n-----END RSA PRIVATE KEY-----`;
    add(
      'valid:private-key',
      'Here is the key:\n{}\nkeep it safe',
      pem.replace(/END [A-Z]+ PRIVATE/, `END ${/BEGIN ([A-Z]+ )?PRIVATE/.exec(pem)?.[1] ?? ''}PRIVATE`),
      'secret',
      'private-key',
    );
    add('valid:high-entropy', pick(['api_key: {}', 'password = {}', 'client secret {}']), alnum(32), 'secret', 'high-entropy');
    add('invalid:aws-access-key-id', pick(['use {}', 'key {} here']), `AKIA${alnum(12, B32)}`);
    add('invalid:jwt', pick(['jwt={}', 'session {}']), `eyJ${alnum(20)}.eyJ${alnum(20)}.${alnum(30)}`);
  }

  // Look-alikes that are not sensitive.
  for (let i = 0; i < perKind; i++) {
    add('negative:date', pick(['Released on {}.', 'Due {}']), `20${digits(2)}-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}`);
    add('negative:version', pick(['Upgrade to v{} now.', 'version {}']), `${int(10)}.${int(30)}.${int(30)}`);
    add('negative:order', pick(['Order #{} shipped.', 'Ticket {} closed.']), digits(6 + int(3)));
    add('negative:sha256', pick(['sha256 {}', 'commit {}']), alnum(64, '0123456789abcdef'));
    add(
      'negative:uuid',
      pick(['request id {}', 'trace {}']),
      crypto.randomUUID === undefined
        ? ''
        : `${alnum(8, '0123456789abcdef')}-${alnum(4, '0123456789abcdef')}-4${alnum(3, '0123456789abcdef')}-a${alnum(3, '0123456789abcdef')}-${alnum(12, '0123456789abcdef')}`,
    );
    add('negative:prose', 'The model {} the dataset quickly.', pick(['summarised', 'tokenised', 'shuffled']));
    add('negative:amount', pick(['Total: {} EUR', 'It costs ${}']), `${digits(4)}.${digits(2)}`);
  }
  return samples;
}
