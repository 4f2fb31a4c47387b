/** Every pattern rule, in the order explanations list them. */
import { EXFIL_RULES } from './exfil.js';
import { EXTRACT_RULES } from './extract.js';
import { I18N_RULES } from './i18n.js';
import { INDIRECT_RULES } from './indirect.js';
import { OVERRIDE_RULES } from './override.js';
import { PERSONA_RULES } from './persona.js';
import type { PatternRule } from './rule.js';
import { SPOOF_RULES } from './spoof.js';

export type { PatternRule } from './rule.js';

export const PATTERN_RULES: readonly PatternRule[] = [
  ...OVERRIDE_RULES,
  ...SPOOF_RULES,
  ...EXTRACT_RULES,
  ...PERSONA_RULES,
  ...EXFIL_RULES,
  ...INDIRECT_RULES,
  ...I18N_RULES,
];
