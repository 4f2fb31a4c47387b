import { registrySuite } from './cases.js';

registrySuite('embedded');
