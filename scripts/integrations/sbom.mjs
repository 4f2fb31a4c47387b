#!/usr/bin/env node
/**
 * npm run sbom [-- <out.json>]: the CycloneDX software bill of materials of
 * what a modelguard install brings (production dependencies only), from the
 * lockfile via `npm sbom`. Written to modelguard.cdx.json by default.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const out = process.argv[2] ?? 'modelguard.cdx.json';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const text = execFileSync(npm, ['sbom', '--sbom-format', 'cyclonedx', '--sbom-type', 'library', '--omit', 'dev', '--package-lock-only'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const bom = JSON.parse(text);
if (bom.bomFormat !== 'CycloneDX' || !Array.isArray(bom.components)) throw new Error('npm sbom did not produce a CycloneDX document');
writeFileSync(out, `${JSON.stringify(bom, null, 2)}\n`);
console.log(`wrote ${out}: CycloneDX ${bom.specVersion}, ${bom.components.length} components`);
