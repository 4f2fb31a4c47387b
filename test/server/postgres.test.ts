import { describe, it } from 'node:test';
import { registrySuite } from './cases.js';
import { POSTGRES } from './helpers.js';

if (POSTGRES === undefined) {
  describe('registry (postgres)', () => {
    it('needs MODELGUARD_TEST_POSTGRES (set by .ci/run)', { skip: 'MODELGUARD_TEST_POSTGRES is not set' }, () => undefined);
  });
} else {
  registrySuite('postgres');
}
