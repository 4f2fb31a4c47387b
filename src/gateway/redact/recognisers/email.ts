/** E-mail addresses (RFC 5321 sizes: local part <= 64, address <= 254; a real top-level domain of letters). */
import type { Recogniser } from '../recogniser.js';

export const EMAIL: Recogniser = {
  category: 'email',
  type: 'email',
  hint: /@/,
  pattern:
    /(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
  validate(v) {
    const at = v.indexOf('@');
    const local = v.slice(0, at);
    return v.length <= 254 && local.length <= 64 && !local.includes('..');
  },
};
