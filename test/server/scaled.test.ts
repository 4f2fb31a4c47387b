/**
 * The registry suite on the scaled configuration: metadata in PostgreSQL,
 * the queue in Redis (BullMQ) with the pipeline in a separate worker
 * process, blobs in an S3-compatible server (s3rver); `.ci/run` starts all
 * three on loopback.
 */
import { describe, it } from 'node:test';
import { registrySuite } from './cases.js';
import { POSTGRES, REDIS, S3 } from './helpers.js';

if (POSTGRES === undefined || REDIS === undefined || S3 === undefined) {
  describe('registry (scaled: postgres + redis + s3)', () => {
    it(
      'needs MODELGUARD_TEST_POSTGRES, MODELGUARD_TEST_REDIS and MODELGUARD_TEST_S3 (set by .ci/run)',
      { skip: 'MODELGUARD_TEST_POSTGRES, MODELGUARD_TEST_REDIS or MODELGUARD_TEST_S3 is not set' },
      () => undefined,
    );
  });
} else {
  registrySuite('scaled');
}
