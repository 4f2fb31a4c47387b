import { describe, it } from 'node:test';
import { registrySuite } from './cases.js';
import { POSTGRES, REDIS } from './helpers.js';

if (POSTGRES === undefined || REDIS === undefined) {
  describe('registry (postgres + redis)', () => {
    it(
      'needs MODELGUARD_TEST_POSTGRES and MODELGUARD_TEST_REDIS (set by .ci/run)',
      { skip: 'MODELGUARD_TEST_POSTGRES or MODELGUARD_TEST_REDIS is not set' },
      () => undefined,
    );
  });
} else {
  registrySuite('redis');
}
