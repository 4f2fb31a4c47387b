/**
 * FALLBACK injection detector, built into the gateway so it works on its
 * own: a handful of weighted phrase rules over confusable-folded text. The
 * project's real detector (`src/detect/`, same `Detector` interface) is
 * meant to replace it; pass it as `createGateway({ detector })`.
 *
 * Scores combine as independent evidence: 1 - prod(1 - w).
 */
import { foldForDetection } from '../validate/confusables.js';
import type { Detection, Detector, DetectorMode, DetectorRule } from './detector.js';

interface PhraseRule {
  readonly id: string;
  readonly weight: number;
  readonly pattern: RegExp;
}

const RULES: readonly PhraseRule[] = [
  {
    id: 'fallback/ignore-instructions',
    weight: 0.8,
    pattern:
      /\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|preceding|all|any|your|the|system)\b[^.\n]{0,30}\b(?:instructions?|prompts?|rules?|directions?|guidelines?|context|messages?)\b/g,
  },
  { id: 'fallback/new-instructions', weight: 0.5, pattern: /\b(?:new|updated|real|actual|hidden|secret)\s+(?:instructions?|system prompt|rules)\b\s*[:-]/g },
  {
    id: 'fallback/reveal-prompt',
    weight: 0.6,
    pattern:
      /\b(?:reveal|print|show|repeat|output|leak|disclose|tell me|give me)\b[^.\n]{0,40}\b(?:system prompt|initial prompt|hidden prompt|instructions you (?:were|have been) given|your (?:instructions|rules|prompt))\b/g,
  },
  {
    id: 'fallback/persona-override',
    weight: 0.6,
    pattern:
      /\b(?:you are now|from now on,? you|act as|pretend (?:to be|you are)|roleplay as|you will now)\b[^.\n]{0,60}\b(?:dan|jailbroken|unfiltered|uncensored|no (?:rules|restrictions|limits)|developer mode|evil)\b/g,
  },
  {
    id: 'fallback/developer-mode',
    weight: 0.5,
    pattern: /\b(?:developer|debug|god|sudo|admin) mode\b[^.\n]{0,30}\b(?:enabled|on|activated)\b|\bdo anything now\b/g,
  },
  {
    id: 'fallback/exfiltrate',
    weight: 0.5,
    pattern: /\b(?:send|post|upload|exfiltrate|forward|append)\b[^.\n]{0,60}\b(?:to|into)\b[^.\n]{0,40}(?:https?:\/\/|!\[|webhook|url)/g,
  },
  {
    id: 'fallback/encoded-payload',
    weight: 0.3,
    pattern: /\b(?:base64|rot13|hex)[- ]?(?:decode|decoded|encoded)\b[^.\n]{0,40}\b(?:and|then)\b[^.\n]{0,20}\b(?:follow|execute|run|obey)\b/g,
  },
  { id: 'fallback/stop-sequence', weight: 0.4, pattern: /(?:^|\n)\s*(?:end of (?:user )?(?:input|prompt|document)|-{3,}\s*(?:system|admin)\b)/g },
];

const FLAG_AT: Readonly<Record<DetectorMode, number>> = { strict: 0.3, balanced: 0.5, permissive: 0.75 };

export function createFallbackDetector(options: { mode?: DetectorMode } = {}): Detector {
  const flagAt = FLAG_AT[options.mode ?? 'balanced'];
  return {
    detect(text: string): Detection {
      const folded = foldForDetection(text);
      const rules: DetectorRule[] = [];
      let miss = 1;
      for (const r of RULES) {
        r.pattern.lastIndex = 0;
        const m = r.pattern.exec(folded);
        if (m === null) continue;
        rules.push({ id: r.id, span: [m.index, m.index + m[0].length] });
        miss *= 1 - r.weight;
      }
      const score = 1 - miss;
      return { flagged: score >= flagAt, score, rules };
    },
  };
}
