/** Shared helpers for the watcher tests: training-run layouts and the safety invariants. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { decryptBytes } from '../../src/age/decrypt.js';
import type { Identity } from '../../src/age/recipient.js';
import { pseudoRandom } from './helpers.js';

/** name -> content (files) or relative path -> content (folders, as `dir/file`). */
export type Layout = Map<string, Uint8Array>;

/** A Hugging Face Trainer-like run: checkpoint-N/ folders with trainer_state.json, plus a Lightning-like .ckpt. */
export function writeTrainingRun(dir: string, sizes: { big: number; small: number }): Layout {
  const layout: Layout = new Map();
  const put = (rel: string, data: Uint8Array): void => {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, data);
    layout.set(rel, data);
  };
  for (const [i, step] of [100, 200].entries()) {
    put(`checkpoint-${step}/model.safetensors`, pseudoRandom(i === 0 ? sizes.big : sizes.small, step));
    put(`checkpoint-${step}/optimizer.pt`, pseudoRandom(sizes.small, step + 1));
    const state = {
      global_step: step,
      best_metric: 0.5,
      log_history: [
        { step: 100, eval_loss: 0.5 },
        { step: 200, eval_loss: 0.25 },
      ],
    };
    put(`checkpoint-${step}/trainer_state.json`, Buffer.from(JSON.stringify(state)));
  }
  put('epoch=2-step=300-val_loss=0.40.ckpt', pseudoRandom(sizes.big, 300));
  put('last.ckpt', pseudoRandom(sizes.small, 301));
  return layout;
}

/** Extracts a tar (from memory) with the system tar into a fresh folder. */
function untar(tar: Uint8Array): string {
  const out = mkdtempSync(join(tmpdir(), 'mg-untar-'));
  execFileSync('tar', ['-x', '-C', out], { input: tar });
  return out;
}

function readTree(root: string, prefix = ''): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const n of readdirSync(join(root, prefix))) {
    const rel = prefix === '' ? n : `${prefix}/${n}`;
    if (statSync(join(root, rel)).isDirectory()) for (const [k, v] of readTree(root, rel)) m.set(k, v);
    else m.set(rel, readFileSync(join(root, rel)));
  }
  return m;
}

/**
 * The vault's promises, checked from the outside:
 * - every final `*.age` in the vault decrypts completely (no half ciphertext under a final name);
 * - every original file is still there intact, or is inside a final ciphertext (nothing lost).
 * Returns the set of original paths recovered from the vault.
 */
export function checkInvariants(runDir: string, vaultDir: string, original: Layout, ids: Identity[]): Set<string> {
  const inVault = new Map<string, Buffer>();
  if (existsSync(vaultDir)) {
    for (const f of readdirSync(vaultDir)) {
      if (!f.endsWith('.age')) continue;
      let plain: Uint8Array;
      try {
        plain = decryptBytes(readFileSync(join(vaultDir, f)), ids);
      } catch (e) {
        assert.fail(`final name ${f} holds a ciphertext that does not decrypt: ${(e as Error).message}`);
      }
      if (f.endsWith('.tar.age')) {
        const dir = untar(plain);
        for (const [k, v] of readTree(dir)) inVault.set(k, v);
        rmSync(dir, { recursive: true, force: true });
      } else {
        inVault.set(f.replace(/(\.v\d+)?\.age$/, ''), Buffer.from(plain));
      }
    }
  }
  const recovered = new Set<string>();
  for (const [rel, data] of original) {
    const p = join(runDir, rel);
    const intact = existsSync(p) && Buffer.compare(readFileSync(p), Buffer.from(data)) === 0;
    const saved = inVault.get(rel);
    const safe = saved !== undefined && Buffer.compare(saved, Buffer.from(data)) === 0;
    if (safe) recovered.add(rel);
    assert.ok(intact || safe, `${rel} was lost: plaintext ${existsSync(p) ? 'damaged' : 'gone'} and no verified copy`);
  }
  return recovered;
}
