/**
 * The registry suite on the scaled configuration: metadata and the job
 * queue in PostgreSQL, blobs in an S3-compatible server (s3rver, started by
 * `.ci/run` on loopback).
 */
import { describe, it } from 'node:test';
import { registrySuite } from './cases.js';
import { POSTGRES, S3 } from './helpers.js';

if (POSTGRES === undefined || S3 === undefined) {
  describe('registry (scaled: postgres + s3)', () => {
    it(
      'needs MODELGUARD_TEST_POSTGRES and MODELGUARD_TEST_S3 (set by .ci/run)',
      { skip: 'MODELGUARD_TEST_POSTGRES or MODELGUARD_TEST_S3 is not set' },
      () => undefined,
    );
  });
} else {
  registrySuite('scaled');
}
