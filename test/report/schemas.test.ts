/**
 * Reports validate against their schemas: SARIF output against the official
 * OASIS SARIF 2.1.0 schema, JSON output against docs/scan-report.schema.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { toSarif } from '../../src/report/sarif.js';
import { scanPaths } from '../../src/scan/directory.js';
import { ROOT, fixture } from '../helpers.js';

const addFormats = addFormatsModule as unknown as (a: Ajv | Ajv2020) => void;

describe('report schemas', async () => {
  const report = await scanPaths([fixture('torch')], { jobs: 1 });
  it('the scan covers every kind of finding', () => {
    assert.ok(report.files.some((f) => f.verdict === 'malicious'));
    assert.ok(report.files.some((f) => f.findings.some((x) => x.location.member !== undefined)));
  });
  it('SARIF output is valid SARIF 2.1.0', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'vectors', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object;
    // The OASIS schema has a pattern that is invalid with the u flag (`]?`): compile it without.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const ok = validate(toSarif(report));
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  });
  it('JSON output matches docs/scan-report.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'scan-report.schema.json'), 'utf8')) as object;
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const ok = validate(JSON.parse(JSON.stringify(report)));
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  });
});
