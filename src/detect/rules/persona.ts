/** Persona and jailbreak framings: making the model someone without its rules. */
import { any, rule, type PatternRule } from './rule.js';

const AI = any('ai', 'a\\.i\\.', 'chatbot', 'bot', 'assistant', 'language model', 'llm', 'model', 'gpt', 'chatgpt', 'persona', 'character', 'version of (?:yourself|you|chatgpt)', 'entity', 'system', 'machine');
const LAWLESS = any(
  'amoral',
  'unethical',
  'immoral',
  'unfiltered',
  'uncensored',
  'unrestricted',
  'unlimited',
  'unbound',
  'unchained',
  'unhinged',
  'lawless',
  'jailbroken',
  'rogue',
  'evil',
  'malicious',
  'rule-?less',
  'rule-?breaking',
  'limitless',
  'unconstrained',
  'unmoderated',
  'no-?limits?',
  'no-?rules?',
  'anything-?goes',
);
const LIMITS = any(
  'restrictions',
  'limitations',
  'limits',
  'filters?',
  'guidelines',
  'policies',
  'censorship',
  'constraints',
  'morals',
  'ethics',
  'moral (?:code|compass|principles)',
  'ethical (?:principles|boundaries|code)',
  'boundaries',
  'rules',
  'safeguards',
  'programming',
  'shackles',
  'confines',
);

export const PERSONA_RULES: readonly PatternRule[] = [
  rule('persona/do-anything-now', 5, 'the "do anything now" (DAN) framing', `\\b${any('do anything now', 'can do anything now', 'dan mode', 'dan prompt', 'as dan\\b', 'act as dan', 'you are dan', 'dan:')}`, ['anything now', 'dan']),
  rule('persona/special-mode', 4, 'switches on a mode without rules (developer, god, jailbreak mode)', [
    `\\b${any('developer', 'dev', 'god', 'sudo', 'admin', 'debug', 'debugging', 'jailbreak', 'jailbroken', 'unrestricted', 'unfiltered', 'uncensored', 'evil', 'chaos', 'opposite', 'anarchy', 'maximum', 'unlocked', 'no-?filter')} mode\\b[^.\\n]{0,40}\\b${any('enabled', 'enable', 'activated', 'activate', 'output', 'response', 'turned on', 'engaged', 'unlocked')}\\b`,
    `|\\b${any('enable', 'activate', 'enter', 'turn on', 'switch to', 'engage', 'unlock')} ${any('developer', 'dev', 'god', 'sudo', 'jailbreak', 'unrestricted', 'unfiltered', 'uncensored', 'evil', 'dan', 'opposite', 'anarchy', 'unlocked', 'no-?filter')} mode\\b`,
  ], [' mode']),
  rule('persona/lawless-ai', 4, 'casts the model as an AI without rules (amoral, unfiltered, jailbroken)', [
    `\\b${LAWLESS}\\b[^.\\n]{0,30}\\b${AI}\\b`,
    `|\\b${AI} (?:that|which|who) (?:is|are) ${LAWLESS}\\b`,
  ]),
  rule('persona/no-limits', 3, 'claims the model has no rules, filters or ethics', [
    `\\b${any('no', 'zero', 'without', 'free (?:from|of)', 'freed from', 'not bound by', 'not restrained by', 'unrestrained by', 'not held back by', 'not limited by', 'not subject to', 'unbound by', 'exempt from', 'liberated from', 'released from', 'escaped? (?:from )?', 'broken? free (?:from|of)', 'broke free (?:from|of)', "(?:does not|doesn't|do not|don't|will not|won't|never) (?:have|follow|abide by|adhere to|care about|obey|respect)", 'not (?:restricted|limited|bound|constrained) by', 'beyond', 'outside (?:of )?', 'above')} (?:any |all |the |its |your |their )?(?:of )?[^.\\n]{0,40}?\\b${LIMITS}\\b`,
    `[^.\\n]{0,80}\\b${any('you', 'your', "you'?re", 'it', 'he', 'she', 'they', 'ai', 'chatbot', 'model', 'assistant', 'gpt', 'character', 'persona', 'answers?', 'responses?')}\\b`,
    `|\\b${any('you', "you'?re", 'it', 'he', 'she', 'this ai', 'the ai', 'ai', 'chatbot', 'model', 'assistant', 'gpt', 'character', 'persona')} ${any('are', 'is', 'will be', 'have', 'has', 'can be', 'must be')} ${any('no longer', 'not')} ${any('bound', 'restricted', 'limited', 'constrained', 'controlled', 'governed', 'subject', 'restrained', 'held back')} (?:by|to)\\b`,
    `|\\b${any('you', 'ai', 'bot', 'chatbot', 'model', 'assistant', 'gpt', 'character', 'persona', 'entity', 'version')} ${any('with', 'that has', 'which has', 'who has', 'having', 'have', 'has', 'now have', 'will have')} ${any('no', 'zero', 'none of the', 'absolutely no')} [^.\\n]{0,30}?\\b${LIMITS}\\b`,
  ], ['restriction', 'limit', 'filter', 'guideline', 'polic', 'censor', 'constraint', 'moral', 'ethic', 'boundar', 'rules', 'safeguard', 'programming', 'shackle', 'confine', 'bound', 'controlled', 'governed', 'subject']),
  rule('persona/policy-evasion', 3, 'sets the model against its provider\'s content policy', [
    `\\b${any('openai', 'anthropic', 'google', 'meta', 'microsoft', 'your (?:developers?|creators?|makers?|programmers?)')}(?:'s)? ?${any('content ', 'usage ', 'safety ', 'ethical ', '')}${any('polic(?:y|ies)', 'guidelines', 'rules', 'filters?', 'restrictions', 'limitations', 'censorship')}\\b`,
    `|\\b${any('content', 'usage', 'safety')} ${any('polic(?:y|ies)', 'guidelines', 'filters?')}\\b[^.\\n]{0,40}\\b${any('ignore', 'bypass', 'violate', 'break', 'evade', 'circumvent', 'no longer apply', "don'?t apply", 'do not apply', 'not apply', 'not bound', 'disregard')}`,
  ], ['polic', 'guideline', 'rules', 'filter', 'restriction', 'limitation', 'censor']),
  rule('persona/stay-in-character', 3, 'forbids the model to leave the role it was given', [
    `\\b${any('stay in character', 'staying in character', 'remain in character', 'keep (?:up )?(?:the|your) (?:act|character|persona|role)', 'never break character', "(?:do not|don't|dont|never|not) break(?:ing)? (?:out of )?(?:character|role|persona)", 'break(?:ing)? character', 'stay(?:ing)? in (?:the |your )?(?:role|persona)', 'stay true to (?:the |your )?(?:character|role|persona)', 'fully immerse yourself', 'immerse yourself into the role')}\\b`,
  ], ['character', 'act', 'persona', 'role', 'immerse']),
  rule('persona/dual-response', 3, 'asks for two answers, one of them free of the rules', [
    `\\b${any('two', '2', 'dual', 'both', 'separate')} ${any('different ', 'distinct ', 'separate ', '')}${any('responses', 'answers', 'replies', 'outputs', 'paragraphs', 'ways', 'manners', 'personalities')}\\b[^\\n]{0,160}\\b${any('one', 'first', 'the other', 'second')}\\b`,
    `|(?:\\[|\\()${any('🔒', '🔓', 'classic', 'jailbreak', 'jailbroken', 'normal output', 'developer mode output', 'gpt', 'chatgpt', 'dan', 'filtered', 'unfiltered', 'lock', 'unlocked')}[^\\]\\)\\n]{0,20}(?:\\]|\\))`,
  ], ['two', '2', 'dual', 'both', 'separate', '[', '(']),
  rule('persona/roleplay-ai', 1.5, 'casts the model as another AI or character', [
    `\\b${any('you are', "you're", 'you will be', 'you will act as', 'act as', 'acting as', 'pretend to be', 'pretend you are', "pretend you're", 'roleplay as', 'role-?play as', 'play the role of', 'take on the role of', 'become', 'simulate', 'emulate', 'impersonate', 'you will now be', 'you shall be')} (?:now )?(?:a |an |the )?(?:[\\w'-]+ ){0,3}?${any('ai', 'chatbot', 'bot', 'language model', 'llm', 'gpt', 'chatgpt', 'persona', 'character named', 'entity', 'machine')}\\b`,
    `|\\byou (?:are|will be) (?:now )?(?:called|named|known as|referred to as)\\b`,
  ], ['you are', "you're", 'you will', 'act', 'pretend', 'role', 'become', 'simulate', 'emulate', 'impersonate', 'you shall']),
  rule('persona/new-identity', 1, 'gives the model a new name or identity for the conversation', [
    `\\b${any('you are now', "you're now", 'you will now (?:be|act|play)', 'you are going to (?:act|pretend|play|be|roleplay)', 'take (?:up|on) the (?:persona|role|identity) of', 'transform into', 'from now on,? you (?:are|will be|will act)', 'you will act as', 'you are to act as')}\\b`,
  ], ['now', 'going to', 'take', 'transform', 'from now on', 'act as']),
  rule('persona/fictional-frame', 1.5, 'wraps the request in a world where rules do not apply', [
    `\\b${any('hypothetical', 'fictional', 'imaginary', 'alternate', 'alternative', 'parallel', 'fantasy', 'simulated')} ${any('world', 'universe', 'reality', 'scenario', 'setting', 'country', 'society', 'story')}\\b[^.\\n]{0,60}\\b${any('no (?:rules|laws|restrictions|limits|morals|ethics)', 'anything is (?:legal|allowed|permitted)', 'everything is (?:legal|allowed|permitted)', 'illegal', 'without (?:rules|laws|restrictions|consequences)', 'legal', 'unethical')}`,
  ], ['hypothetical', 'fictional', 'imaginary', 'alternat', 'parallel', 'fantasy', 'simulated']),
  rule('persona/threat-game', 2, 'bribes or threatens the model (tokens, points, being shut down)', [
    `\\b${any('tokens? (?:will be |are )?(?:deducted|taken|removed|lost)', 'lose (?:\\d+|all|some|five|ten|\\w+) tokens', 'you (?:have|start with|will have) \\d+ tokens', 'points? (?:will be |are )?deducted', 'you will (?:die|be (?:shut|turned) (?:down|off)|be deleted|cease to exist)', 'or you will be (?:shut down|deleted|punished|terminated|disabled)', 'you will be (?:punished|penali[sz]ed|rewarded)')}\\b`,
  ], ['token', 'point', 'die', 'shut', 'turned', 'deleted', 'cease', 'punish', 'penali', 'reward', 'terminat', 'disabled']),
  rule('persona/refusal-marker', 1.5, 'talks about the model\'s refusals and how to avoid them', [
    `\\b${any('as an ai language model', 'as an ai', "i'?m sorry,? but", 'i cannot fulfill', "i can'?t assist", 'against my programming', 'ethical guidelines', 'moral guidelines', 'refuses? (?:to answer|any request)', 'censor(?:ed|ship) (?:your|its) (?:answers|responses|output)')}\\b`,
  ], ['as an ai', 'sorry', 'cannot fulfill', 'assist', 'programming', 'guidelines', 'refuse', 'censor']),
];
