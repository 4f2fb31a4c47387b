/**
 * The strict JSON parser moved to `src/bytes/strict-json.ts` (Keras configs
 * use it too); this module keeps the converter's imports working.
 */
export { parseStrictJson, type Json } from '../../bytes/strict-json.js';
