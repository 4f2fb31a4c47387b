/**
 * age files around a malicious pickle, mutated at their structure: header
 * lines cut, duplicated and changed, the payload truncated at every STREAM
 * chunk boundary (the truncation attack the last-chunk flag exists for),
 * chunks duplicated and reordered, tags flipped. Scanned with the identity
 * through `scanFile`, the way `scan -i` does: never clean, never internal,
 * and decryption itself throws only `AgeError`/`ModelguardError`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { encryptBytes } from '../../src/age/encrypt.js';
import { AgeError } from '../../src/age/errors.js';
import { looksLikeAge } from '../../src/age/magic.js';
import { openDecryptedSource } from '../../src/age/source.js';
import { X25519Identity } from '../../src/age/x25519.js';
import { ModelguardError } from '../../src/errors.js';
import { scanFile } from '../../src/scan/scan-file.js';
import { fixture, rules } from '../helpers.js';
import { tempDir } from '../vault/helpers.js';
import { RUNS, sample } from './harness.js';

const { dir, cleanup } = tempDir('mg-fuzz-age-');
after(cleanup);

const CHUNK = 64 * 1024;
const TAG = 16;

/** A malicious pickle behind 150 kB of bytes, so its payload sits in the third chunk. */
function payload(): Uint8Array {
  const evil = readFileSync(fixture('pickle', 'malicious__os-system-protocol2.pkl'));
  const pad = 150_000;
  const head = Buffer.alloc(7);
  head.set([0x80, 0x03, 0x42]);
  head.writeUInt32LE(pad, 3);
  return Uint8Array.from(Buffer.concat([head, Buffer.alloc(pad), Buffer.from('0'), evil.subarray(2)]));
}

const { identity, encoded } = X25519Identity.generate();
const ID_FILE = join(dir, 'key.txt');
writeFileSync(ID_FILE, `${encoded}\n`);
const SEED = encryptBytes(payload(), [identity.recipient]);
const HEADER_END =
  Buffer.from(SEED).indexOf('\n---') +
  1 +
  Buffer.from(SEED)
    .subarray(Buffer.from(SEED).indexOf('\n---') + 1)
    .indexOf('\n') +
  1;
const PAYLOAD_START = HEADER_END + 16;

function mutants(): { what: string; data: Uint8Array }[] {
  const out: { what: string; data: Uint8Array }[] = [];
  const lines: number[] = [];
  for (let i = 0; i < HEADER_END; i++) if (SEED[i] === 0x0a) lines.push(i + 1);
  const chunks: number[] = [];
  for (let at = PAYLOAD_START; at < SEED.length; at += CHUNK + TAG) chunks.push(at);
  for (const b of [...lines, PAYLOAD_START, ...chunks, SEED.length - TAG]) {
    for (const at of [b - 1, b, b + 1]) if (at > 0 && at < SEED.length) out.push({ what: `cut@${at}`, data: SEED.slice(0, at) });
  }
  const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
  // The stanza (second and third lines) twice; the MAC line twice.
  const [l1, l2, l3] = lines;
  if (l1 !== undefined && l2 !== undefined && l3 !== undefined) {
    out.push({ what: 'dup-stanza', data: cat(SEED.subarray(0, l3), SEED.subarray(l1, l3), SEED.subarray(l3)) });
  }
  out.push({ what: 'dup-mac', data: cat(SEED.subarray(0, HEADER_END), SEED.subarray(lines.at(-1) ?? 0, HEADER_END), SEED.subarray(HEADER_END)) });
  // Chunks duplicated, dropped and swapped.
  const c = chunks.map((s) => SEED.subarray(s, Math.min(SEED.length, s + CHUNK + TAG)));
  const head = SEED.subarray(0, PAYLOAD_START);
  if (c.length >= 3) {
    out.push({ what: 'dup-chunk0', data: cat(head, c[0]!, c[0]!, c[1]!, c[2]!) });
    out.push({ what: 'drop-last', data: cat(head, c[0]!, c[1]!) });
    out.push({ what: 'swap-01', data: cat(head, c[1]!, c[0]!, c[2]!) });
  }
  for (const at of [10, HEADER_END - 5, HEADER_END + 3, PAYLOAD_START + 5, PAYLOAD_START + CHUNK + 3, SEED.length - 1]) {
    const d = SEED.slice();
    d[at] = (d[at] ?? 0) ^ 0x01;
    out.push({ what: `flip@${at}`, data: d });
  }
  return out;
}

async function check(what: string, data: Uint8Array): Promise<void> {
  const path = join(dir, 'm.age');
  writeFileSync(path, data);
  const r = await scanFile(path, { identityFile: ID_FILE });
  assert.ok(!rules(r.findings).includes('engine/internal-error'), what);
  // Decryption alone: typed errors only.
  let decrypts = false;
  try {
    const src = openDecryptedSource(path, [identity]);
    try {
      src.read(0, src.size);
      decrypts = true;
    } finally {
      src.close();
    }
  } catch (e) {
    assert.ok(e instanceof AgeError || e instanceof ModelguardError, `${what}: ${String(e)}`);
  }
  // What decrypts is the payload (authenticated: the same bytes or none); what still says age but does not
  // decrypt is unscannable. A cut inside the first line leaves text that is no age file and holds no plaintext.
  if (decrypts || looksLikeAge(data)) assert.notEqual(r.verdict, 'clean', `${what}: ${rules(r.findings).join(',')}`);
}

describe('age files around a payload, mutated at their structure', () => {
  it('the intact file decrypts and is malicious', async () => {
    const path = join(dir, 'ok.age');
    writeFileSync(path, SEED);
    assert.equal((await scanFile(path, { identityFile: ID_FILE })).verdict, 'malicious');
  });
  it('cut at every line and chunk boundary, stanzas and chunks duplicated, dropped, swapped, flipped: never clean', async () => {
    for (const m of sample(mutants(), 16)) await check(m.what, m.data);
  });
  it('random flips and cuts: never clean', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat({ max: 255 }), fc.boolean(), async (at, v, cut) => {
        const i = at % SEED.length;
        const d = cut ? SEED.slice(0, i) : SEED.slice();
        if (!cut) d[i] = v;
        if (!cut && v === SEED[i]) return;
        await check(`${cut ? 'cut' : 'set'}@${i}`, d);
      }),
      { numRuns: Math.max(5, Math.floor(RUNS / 2)) },
    );
  });
});
