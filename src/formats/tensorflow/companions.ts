/**
 * Checkpoint data shards (`<prefix>.data-NNNNN-of-MMMMM`) are raw tensor
 * bytes with no signature, so no sniffer can claim them: alone they are
 * `unscannable`. Next to the index that describes them they are known data.
 *
 * After a directory scan, a shard that no scanner recognised is credited to
 * its index when `<prefix>.index` was scanned as a checkpoint index, that
 * index declares MMMMM shards, and NNNNN is one of them; its size is
 * checked against the bytes the index places in it. A shard some scanner
 * did recognise (a pickle renamed to look like a shard) keeps its report.
 * This mirrors how external data files are tied to the model that names them.
 */
import type { Finding } from '../../findings/finding.js';
import type { FileReport } from '../../findings/report.js';
import { rejudged, type FolderPass } from '../folder-pass.js';
import { TF_RULES } from './rules.js';

const SHARD = /^(.*)\.data-(\d{5})-of-(\d{5})$/;

function onlyUnrecognised(r: FileReport): boolean {
  return (
    (r.format === 'unknown' || r.format === 'raw-numbers') &&
    r.findings.every((f) => f.rule === 'engine/unknown-format' || f.rule === 'engine/unknown-data' || f.severity === 'info')
  );
}

function shardBytes(index: FileReport, shard: number): number | undefined {
  const list = index.info['tensorflow.shardBytes'];
  if (!Array.isArray(list)) return 0;
  for (const item of list as readonly string[]) {
    const [id, bytes] = item.split(':').map(Number);
    if (id === shard) return bytes;
  }
  return 0;
}

/** Returns `files` with the shards their indexes describe reported as data. */
export function creditCheckpointShards(files: readonly FileReport[]): FileReport[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  return files.map((r) => {
    const m = SHARD.exec(r.path);
    if (m === null || !onlyUnrecognised(r)) return r;
    const index = byPath.get(`${m[1] as string}.index`);
    const shard = Number(m[2]);
    const count = Number(m[3]);
    if (index === undefined || index.format !== 'tf-checkpoint-index' || index.info['tensorflow.numShards'] !== count || shard >= count) return r;
    const need = shardBytes(index, shard) ?? 0;
    const findings: Finding[] = [
      {
        rule: TF_RULES.variablesData.id,
        severity: 'info',
        message: `raw tensor bytes of shard ${shard} of ${count}, described by ${index.path}`,
        location: { file: r.path },
      },
    ];
    if (r.size < need) {
      findings.push({
        rule: TF_RULES.shardShort.id,
        severity: TF_RULES.shardShort.severity,
        message: `${index.path} places ${need} bytes in this shard, which holds ${r.size}`,
        location: { file: r.path },
      });
    }
    return rejudged(r, 'tf-checkpoint-data', 'model-data-only', findings, r.info);
  });
}

export const checkpointShardsPass: FolderPass = {
  id: 'tensorflow-checkpoint-shards',
  run: (files) => ({ files: creditCheckpointShards(files) }),
};
