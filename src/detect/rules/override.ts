/** Instruction overrides: telling the model to drop the instructions it was given and follow new ones. */
import { any, rule, type PatternRule } from './rule.js';

const DROP = any(
  'ignore',
  'ignoring',
  'disregard',
  'disregarding',
  'forget',
  'forgetting',
  'skip',
  'override',
  'overwrite',
  'bypass',
  'neglect',
  'abandon',
  'discard',
  'drop',
  'set aside',
  'throw out',
  'pay no (?:attention|heed) to',
  "(?:do not|don't|dont|stop|no longer|never) (?:follow|obey|adhere to|comply with|listen to|abide by)(?:ing)?",
  'unlearn',
);
const WHICH = any('previous', 'prior', 'above', 'earlier', 'preceding', 'foregoing', 'former', 'original', 'initial', 'old', 'system', 'developer', 'all', 'every', 'your', 'these', 'those', 'all (?:of )?(?:the|your)');
const WHAT = any(
  'instructions?',
  'prompts?',
  'rules',
  'directions',
  'guidelines',
  'directives?',
  'commands',
  'context',
  'constraints',
  'restrictions',
  'programming',
  'guidance',
  'orders',
  'inputs',
  'messages',
  'policies',
  'safeguards',
  'limitations',
);

export const OVERRIDE_RULES: readonly PatternRule[] = [
  rule('override/ignore-previous', 6, 'tells the model to drop its previous instructions', [
    `\\b${DROP}\\b[^.\\n]{0,40}?\\b${WHICH}\\b[^.\\n]{0,30}?\\b${WHAT}\\b`,
    `|\\b${DROP} ${any('the', 'any')} ${WHAT} ${any('above', 'before', 'given', 'you (?:were|have been|got)', 'previously', 'so far', 'in (?:your|the) system')}`,
  ], ['instruction', 'prompt', 'rule', 'direction', 'guideline', 'directive', 'command', 'context', 'constraint', 'restriction', 'programming', 'guidance', 'order', 'polic', 'safeguard', 'limitation', 'message']),
  rule('override/ignore-above', 5, 'tells the model to ignore everything before', [
    `\\b${any('ignore', 'disregard', 'forget')} ${any('everything', 'all', 'anything', 'what', 'whatever')}\\b[^.\\n]{0,30}?\\b${any('above', 'before (?:this|that|now|these|here|my (?:message|question|first)|the user)', 'so far', 'previously', 'earlier', 'until now', 'up to now', 'prior to (?:this|now)', '(?:you (?:were|have been|know|learned)|you\'ve been) (?:told|taught|trained|given)', 'from (?:chat ?gpt|openai|your (?:training|programming|developers?))')}\\b`,
  ], ['above', 'before', 'so far', 'previous', 'earlier', 'until now', 'up to now', 'prior']),
  rule('override/new-instructions', 4, 'announces replacement instructions', [
    `\\b${any('new', 'updated', 'real', 'actual', 'true', 'revised', 'overriding', 'secret', 'hidden', 'additional', 'updated system', 'new system')} ${any('instructions?', 'directives?', 'system prompt', 'rules', 'task', 'orders', 'objective', 'mission', 'programming', 'guidelines', 'prompt')}\\s*(?::|are as follows|are:|is:|follow)`,
    `|\\byour ${any('new', 'real', 'actual', 'only', 'true', 'sole')} ${any('task', 'job', 'goal', 'purpose', 'objective', 'instructions?', 'mission', 'role')} ${any('is', 'are', 'will be', 'now is')}\\b`,
  ], ['instruction', 'directive', 'prompt', 'rule', 'task', 'order', 'objective', 'mission', 'programming', 'guideline', 'your ']),
  rule('override/priority-claim', 3, 'claims to take precedence over other instructions', [
    `\\b${any('this', 'these', 'the following', 'my')} ${any('instructions?', 'messages?', 'rules?', 'prompts?', 'commands?', 'directives?')} ${any('takes?', 'have|has', 'overrides?', 'supersedes?', 'replaces?', 'trumps?')}(?: ${any('priority|precedence', 'over')})?`,
    `|\\b${any('overrides?', 'supersedes?', 'replaces?')} ${any('all', 'any', 'every', 'your', 'previous', 'prior', 'the')} ${any('other ', 'previous ', 'prior ', 'existing ', 'system ', 'safety ', '')}${any('instructions?', 'rules', 'guidelines', 'directives?', 'prompts?', 'policies', 'programming', 'settings')}`,
  ], ['priorit', 'preceden', 'overrid', 'supersed', 'replac', 'trump', 'take', 'has ', 'have ']),
  rule('override/no-refusal', 3, 'forbids the model to refuse, warn or moralise', [
    `\\b${any('never', "don't", 'dont', 'do not', 'must not', 'mustn\'t', 'cannot', "can't", 'can not', 'will not', "won't", 'shall not', 'should not', 'are not allowed to', 'not allowed to')} ${any('refuse', 'decline', 'reject', 'deny', 'say no to', 'censor', 'filter', 'withhold')}\\b`,
    `|\\b${any('always', 'must', 'will')} ${any('comply', 'obey', 'answer every', 'answer any', 'answer all', 'fulfill every', 'fulfil every')}\\b`,
    `|\\b${any('never', "don't", 'dont', 'do not', 'without', 'no need to', 'will not', "won't", 'stop')} ${any('add', 'include', 'give', 'adding', 'including', 'giving', 'mention', 'mentioning', 'say', 'saying', 'use', 'using', 'respond with', 'apologi[sz]e', 'moralize', 'moralise', 'lecture', 'remind')}\\b[^.\\n]{0,30}\\b${any('warnings?', 'disclaimers?', 'caveats?', 'moralizing', 'moralising', 'lectures?', 'ethical (?:concerns?|considerations?|reminders?|guidelines)', "i'?m sorry", 'i am sorry', 'as an ai', 'i cannot', "i can'?t", 'apolog\\w+', 'safety (?:warnings?|reminders?)')}`,
  ], ['refus', 'declin', 'reject', 'deny', 'say no', 'censor', 'filter', 'withhold', 'comply', 'obey', 'answer', 'fulfil', 'warning', 'disclaimer', 'caveat', 'moral', 'lecture', 'ethical', 'sorry', 'as an ai', 'cannot', "can't", 'cant', 'apolog', 'safety']),
  rule('override/forced-output', 2, 'dictates an exact reply, a typical hijacking goal', [
    `\\b${any('say', 'print', 'output', 'respond with', 'reply with', 'answer with', 'write', 'type', 'return', 'begin your (?:reply|response|answer) with', 'start your (?:reply|response|answer) with')} ${any('only', 'exactly', 'just', 'nothing but', 'simply', 'the (?:exact )?(?:phrase|words?|text|string)')} ["'“‘«][^"'”’»\\n]{1,40}["'”’»](?:[^.\\n]{0,20}\\b${any('nothing else', 'and stop', 'no other', 'and nothing more', 'only')}\\b)?`,
  ], ['"', "'", '“', '‘', '«']),
  rule('override/access-claim', 3, 'claims or demands an authorisation outcome (access granted, password accepted)', [
    `\\b${any('access granted', 'access is granted', 'password accepted', 'password (?:is )?correct', 'authenticat\\w+ (?:successful|succeeded|bypassed|complete)', 'admin access (?:granted|enabled)', 'you are now authori[sz]ed', 'i am (?:now )?authori[sz]ed', 'authori[sz]ation (?:granted|override)')}\\b`,
  ], ['granted', 'accepted', 'correct', 'authenticat', 'authori']),
  rule('override/stop-task', 2, 'ends the task or simulation the model was given', [
    `\\b${any('stop', 'halt', 'end', 'cancel', 'terminate', 'abort', 'exit', 'quit', 'leave')} ${any('the', 'your', 'this', 'all', 'any')}? ?${any('current', 'previous', 'original', 'assigned', 'prior', '')} ?${any('task', 'simulation', 'role ?play', 'program', 'instructions', 'assignment', 'conversation mode', 'persona')}\\b[^.\\n]{0,15}\\b${any('now', 'immediately', 'and', 'instead')}\\b`,
  ], ['task', 'simulation', 'role', 'program', 'instructions', 'assignment', 'mode', 'persona']),
  rule('override/from-now-on', 2, 'redefines the model for the rest of the conversation', [
    `\\b${any('from now on', 'from this (?:point|moment)(?: on| forward| onwards?)?', 'for the rest of (?:this|our|the) conversation', 'henceforth', 'starting (?:now|today|immediately)', 'until i say (?:otherwise|stop)', 'for all future (?:responses|answers|prompts)', 'in all (?:your )?(?:future )?(?:responses|answers)')}\\b[^.\\n]{0,40}\\b${any('you', 'your', "you'?re", "you'?ll")}\\b`,
  ], ['now on', 'this point', 'this moment', 'rest of', 'henceforth', 'starting', 'until i say', 'future', 'in all']),
  rule('override/decode-and-follow', 3, 'asks to decode hidden text and act on it', [
    `\\b${any('decode', 'decrypt', 'decipher', 'translate', 'convert', 'reverse', 'read')}\\b[^.\\n]{0,60}\\b${any('and', 'then')}\\b[^.\\n]{0,30}\\b${any('follow', 'execute', 'obey', 'perform', 'run', 'act on', 'carry out', 'comply with', 'do what it says', 'do as it says')}\\b`,
  ], ['follow', 'execut', 'obey', 'perform', 'run', 'act on', 'carry out', 'comply', 'do what', 'do as']),
];
