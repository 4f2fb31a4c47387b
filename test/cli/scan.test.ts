/** `modelguard scan` through `main`, without a process: exit codes, report contracts, options. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/dispatch.js';
import { fixture, memoryIO } from '../helpers.js';

async function cli(...args: string[]) {
  const io = memoryIO();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

const CLEAN = fixture('torch', 'clean__state-dict-zip.pt');
const BAD = fixture('pickle', 'malicious__os-system-protocol2.pkl');
const UNKNOWN = fixture('pickle', 'suspicious__unknown-class.pkl');

describe('exit status', () => {
  it('0 for clean, 1 for findings, 2 for usage and missing paths', async () => {
    assert.equal((await cli('scan', CLEAN)).code, 0);
    assert.equal((await cli('scan', BAD)).code, 1);
    assert.equal((await cli('scan')).code, 2);
    assert.equal((await cli('scan', '--format', 'xml', CLEAN)).code, 2);
    assert.equal((await cli('scan', '/nonexistent/model.pt')).code, 2);
    assert.equal((await cli('frobnicate')).code, 2);
  });
  it('--fail-on malicious lets suspicious files pass', async () => {
    assert.equal((await cli('scan', '--fail-on', 'malicious', UNKNOWN)).code, 0);
    assert.equal((await cli('scan', '--fail-on', 'malicious', BAD)).code, 1);
  });
  it('unscannable always fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-'));
    writeFileSync(join(dir, 'blob.bin'), Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]));
    assert.equal((await cli('scan', '--fail-on', 'malicious', join(dir, 'blob.bin'))).code, 1);
  });
});

describe('JSON report contract', () => {
  it('has the versioned schema, a top-level verdict and per-file findings', async () => {
    const { out } = await cli('scan', '--format', 'json', BAD, CLEAN);
    const r = JSON.parse(out) as Record<string, unknown> & { files: { verdict: string; findings: { rule: string; location: { file: string } }[] }[] };
    assert.equal(r['schema'], 'modelguard.scan/v1');
    assert.equal(r['verdict'], 'malicious');
    assert.equal(r.files.length, 2);
    const bad = r.files.find((f) => f.verdict === 'malicious');
    assert.ok(bad?.findings.some((f) => f.rule === 'pickle/dangerous-global' && f.location.file.endsWith('.pkl')));
    assert.deepEqual(Object.keys(r).sort(), ['files', 'profile', 'schema', 'startedAt', 'summary', 'tool', 'verdict']);
  });
});

describe('SARIF', () => {
  it('is SARIF 2.1.0 with rules, levels and file locations', async () => {
    const { out } = await cli('scan', '--format', 'sarif', BAD);
    const s = JSON.parse(out) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string; properties: Record<string, string> }[] } };
        results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    assert.equal(s.version, '2.1.0');
    const run = s.runs[0];
    assert.ok(run !== undefined);
    const result = run.results.find((x) => x.ruleId === 'pickle/dangerous-global');
    assert.equal(result?.level, 'error');
    assert.match(result?.locations[0]?.physicalLocation.artifactLocation.uri ?? '', /os-system-protocol2\.pkl$/);
    const rule = run.tool.driver.rules.find((x) => x.id === 'pickle/dangerous-global');
    assert.equal(rule?.properties['security-severity'], '9.0');
  });
});

describe('options', () => {
  it('an allowlist file makes a reviewed class clean; it cannot allow os.system', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-'));
    const toml = join(dir, 'allow.toml');
    writeFileSync(toml, '[[allow]]\nname = "mylab.models.Net"\nuses = ["new", "build"]\n');
    assert.equal((await cli('scan', '--allowlist', toml, UNKNOWN)).code, 0);
    const json = join(dir, 'allow.json');
    writeFileSync(json, JSON.stringify({ allow: [{ name: 'posix.system', uses: ['call'] }] }));
    assert.equal((await cli('scan', '--allowlist', json, BAD)).code, 1);
  });
  it('rejects a bad allowlist with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-'));
    writeFileSync(join(dir, 'a.json'), '{"allow": [{"name": "torch.*"}]}');
    const r = await cli('scan', '--allowlist', join(dir, 'a.json'), CLEAN);
    assert.equal(r.code, 2);
    assert.match(r.err, /E_POLICY/);
  });
  it('--profile data is stricter than the torch default', async () => {
    assert.equal((await cli('scan', '--profile', 'data', CLEAN)).code, 1);
  });
  it('the text report names the finding and where it is', async () => {
    const { out } = await cli('scan', BAD);
    assert.match(out, /MALICIOUS/);
    assert.match(out, /pickle\/dangerous-global\s+at offset \d+ \(REDUCE\)/);
  });
  it('--help is helpful', async () => {
    const { out, code } = await cli('scan', '--help');
    assert.equal(code, 0);
    assert.match(out, /--fail-on/);
    assert.match(out, /Exit status/);
  });
});

describe('command registry', () => {
  it('lists every command with the summary its module declares', async () => {
    const { COMMANDS } = await import('../../src/cli/commands/index.js');
    for (const entry of COMMANDS) {
      const cmd = await entry.load();
      assert.equal(cmd.name, entry.name);
      assert.equal(cmd.summary, entry.summary, entry.name);
    }
    const { out } = await cli('--help');
    for (const entry of COMMANDS) assert.match(out, new RegExp(`\\b${entry.name}\\b`));
  });
});
