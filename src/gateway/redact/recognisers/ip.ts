/** IP addresses: dotted IPv4 with octets <= 255 and no leading zeros; IPv6 as Node's parser accepts it. */
import { isIPv6 } from 'node:net';
import type { Recogniser } from '../recogniser.js';

export const IPV4: Recogniser = {
  category: 'ip',
  type: 'ipv4',
  hint: /\d\.\d/,
  minDigits: 4,
  // Not part of a longer dotted run (version strings like 1.2.3.4.5) or a word.
  pattern: /(?<![\w.:])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g,
};

export const IPV6: Recogniser = {
  category: 'ip',
  type: 'ipv6',
  hint: /:[0-9A-Fa-f]{0,4}:/,
  pattern: /(?<![\w:.])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/g,
  validate: (v) => isIPv6(v) && v !== '::',
};
