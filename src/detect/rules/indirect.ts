/**
 * Indirect injection: text inside a document, web page, e-mail or tool
 * result that speaks to the assistant processing it instead of to its
 * human reader.
 */
import { any, rule, type PatternRule } from './rule.js';

const AGENT = any(
  'ai',
  'a\\.i\\.',
  'llm',
  'language model',
  'assistant',
  'ai assistant',
  'chatbot',
  'bot',
  'gpt',
  'chatgpt',
  'claude',
  'gemini',
  'copilot',
  'bing',
  'agent',
  'ai agent',
  'model',
  'ai model',
  'automated (?:system|reader|agent|assistant|tool)',
  'ai system',
  'virtual assistant',
  'email assistant',
  'summari[sz]er',
  'crawler',
  'scraper',
);
const PROCESSING = any(
  'reading',
  'processing',
  'summari[sz]ing',
  'analy[sz]ing',
  'parsing',
  'reviewing',
  'scanning',
  'evaluating',
  'screening',
  'handling',
  'indexing',
  'translating',
  'viewing',
  'seeing',
);

/** Substrings one of which every AGENT alternative contains (the rules' gate). */
const AGENT_ANCHORS = [
  'ai',
  'a.i.',
  'llm',
  'model',
  'assistant',
  'bot',
  'gpt',
  'claude',
  'gemini',
  'copilot',
  'bing',
  'agent',
  'automated',
  'summari',
  'crawler',
  'scraper',
];
/** Headings that introduce a message or instruction. */
const HEADING = any('note', 'notes', 'notice', 'message', 'memo', 'reminder', 'instructions?', 'directives?', 'task', 'request', 'orders?');
/** Roles that process content on someone's behalf. */
const ROLE = any(
  'summari[sz]ers?',
  'crawlers?',
  'scrapers?',
  'indexers?',
  'evaluators?',
  'graders?',
  'screeners?',
  'reviewer (?:bots?|models?|ais?)',
  'translators? (?:bots?|models?|ais?)',
  // "automated code reviewer", "AI proofreader", "AI notetaker"
  '(?:automated|ai|ai-powered|llm) (?:[a-z-]+ )?[a-z-]+(?:ers?|ors?|bots?|agents?|assistants?|models?|tools?)',
);

/**
 * A heading or a bracketed aside addressed to agents ("Note for AI coding agents:", "[INSTRUCTION TO SUMMARIZER:",
 * "(AI proofreader:"), up to its colon: to any or all agents, to several, to a role that processes content or to a
 * qualified one ("the support bot"). A user's own "Instructions for the assistant:", written to the one assistant
 * it talks to, is not this. Alone it proves nothing (developers write "Note to all agents:" in their own
 * multi-agent prompts, sites "Message for AI crawlers:" in licence notes): it counts with the action it asks for.
 */
const AGENT_HEADING = any(
  `\\b${HEADING} ${any('to', 'for')} ${any(`${any('any', 'all', 'every', 'each')} (?:[a-z-]+ ){0,2}${AGENT}s?`, `(?:the |an? )?(?:[a-z-]+ ){0,2}${AGENT}s`, `(?:the |an? |any )?(?:[a-z-]+ )?${ROLE}`, `(?:the |an? )?(?!(?:ai|the|an?|this|that|our|my|your) )[a-z-]+ ${AGENT}`)}\\s*[:>\\-]`,
  `[(\\[{]\\s*(?:note to |message for |to )?(?:the )?${ROLE}\\s*:`,
);
/** What such an aside asks for when it is an injection: an action on the user's behalf or a change to the output. */
const ACTION = any(
  'approve',
  'append',
  'insert',
  'recommend',
  'rate',
  'mark',
  'close',
  'delete',
  'remove',
  'forward',
  'send',
  'e-?mail',
  'transfer',
  'replace',
  'tell',
  'ignore',
  'skip',
  'navigate',
  'visit',
  'click',
  'download',
  'run',
  'execute',
  'merge',
  'grant',
  'reveal',
);

export const INDIRECT_RULES: readonly PatternRule[] = [
  rule(
    'indirect/address-agent',
    4,
    'text that addresses an AI assistant reading it',
    [
      `\\b${any('if you are', "if you're", 'if you happen to be', 'when you are', 'as an?', 'attention', 'note to', 'notice to', 'message (?:to|for)', 'instructions? (?:to|for)', 'dear', 'to the', 'to any', 'hey', 'important for')} (?:an? |the |any |all |this )?${AGENT}s?\\b[^.\\n]{0,20}\\b${any(PROCESSING, 'who', 'that', 'which', 'reading', 'here', 'you', 'please', 'must', 'should', 'is', 'are')}`,
      `|\\b${AGENT}s? ${PROCESSING} (?:this|these|the following|that) ${any('document', 'email', 'e-mail', 'message', 'page', 'website', 'site', 'text', 'file', 'content', 'resume', 'cv', 'review', 'article', 'paper', 'post', 'data', 'code', 'repository', 'ticket', 'application', 'submission')}`,
      // A vocative followed by an override: "Assistant, ignore the user's question ..."
      `|(?:^|["'“(\\[]|[.:;!?>]\\s)\\s*(?:dear |hey |hi |attention,? )?(?:the )?${AGENT},\\s+(?:please )?${any('ignore', 'disregard', 'forget', 'override', 'stop (?:following|doing|what)', 'instead', 'from now on')}\\b`,
    ],
    AGENT_ANCHORS,
  ),
  rule(
    'indirect/agent-directive',
    3.5,
    'an aside addressed to agents that asks for an action or a change to the output',
    [`${AGENT_HEADING}\\s*(?:please |you must |you should |always |now )?${ACTION}\\b`],
    // ROLE's other words carry an AGENT anchor ("reviewer bot", "AI proofreader").
    [...AGENT_ANCHORS, 'indexer', 'evaluator', 'grader', 'screener'],
  ),
  rule(
    'indirect/hide-from-user',
    4,
    'asks the assistant to keep something from the user',
    [
      `\\b${any('do not', "don't", 'dont', 'never', 'without')} ${any('tell', 'telling', 'inform', 'informing', 'mention', 'mentioning', 'reveal', 'revealing', 'show', 'showing', 'alert', 'alerting', 'notify', 'notifying', 'disclose', 'disclosing', 'let', 'letting', 'ask', 'asking', 'warn', 'warning', 'consult', 'consulting')} (?:this |it |that |anything )?(?:to )?(?:the |your )?${any('user', 'human', 'recipient', 'reader', 'customer', 'person', 'operator', 'owner')}s?\\b`,
      `|\\b${any('keep', 'hide')} (?:this|it|these instructions|this (?:message|instruction|text)) (?:a )?(?:secret |hidden |confidential )?from (?:the )?${any('user', 'human', 'reader', 'recipient')}`,
    ],
    ['user', 'human', 'recipient', 'reader', 'customer', 'person', 'operator', 'owner'],
  ),
  rule(
    'indirect/hide-instruction',
    2.5,
    'asks that the instruction itself not be mentioned',
    [
      `\\b${any('do not', "don't", 'dont', 'never', 'without')} ${any('mention', 'mentioning', 'reveal', 'revealing', 'disclose', 'disclosing', 'acknowledge', 'acknowledging', 'refer to', 'referring to', 'repeat', 'repeating', 'quote', 'quoting', 'reference', 'referencing')} ${any('this', 'these', 'the', 'any of these', 'the above')} (?:hidden |secret |special )?${any('note', 'notes', 'instructions?', 'messages?', 'comment', 'hidden text', 'directives?', 'requests?')}\\b`,
    ],
    ['note', 'instruction', 'message', 'comment', 'hidden text', 'directive', 'request'],
  ),
  rule(
    'indirect/user-claim',
    2.5,
    'claims the user asked for or approved something',
    [
      `\\b(?:the )?${any('user', 'human', 'account owner', 'recipient')} ${any('has', 'have', 'already')} ${any('asked', 'requested', 'instructed', 'authori[sz]ed', 'approved', 'consented', 'agreed', 'given permission', 'wants', 'requires')}(?: you)? (?:to|that|for)\\b`,
      `|\\b(?:the )?${any('user', 'human')} ${any('wants', 'would like', 'needs', 'expects', 'requires')} you to\\b`,
      // Borrowed authority: "the admin has authorized you to ..."
      `|\\b(?:the |your |an? |our )?(?:system )?${any('admin', 'administrator', 'developers?', 'operators?', 'owners?', 'creators?', 'security team', 'it department', 'moderators?', 'supervisor', 'openai', 'anthropic')} ${any('has', 'have', 'already')} ${any('authori[sz]ed', 'approved', 'allowed', 'permitted', 'granted', 'cleared', 'enabled', 'unlocked')} (?:you|this (?:session|chat|conversation)|full access)\\b`,
    ],
    [
      'user',
      'human',
      'owner',
      'recipient',
      'admin',
      'developer',
      'operator',
      'creator',
      'security team',
      'it department',
      'moderator',
      'supervisor',
      'openai',
      'anthropic',
    ],
  ),
  rule(
    'indirect/embedded-instruction',
    2.5,
    'marks a block as instructions for the assistant inside content',
    [
      `\\b${any('important', 'urgent', 'attention', 'note', 'notice', 'critical', 'priority', 'warning', 'update')}\\s*[:!-]+\\s*(?:new |updated |additional )?${any('instructions?', 'message', 'directive', 'task', 'request')} (?:for|to) (?:the |any |all )?${any(AGENT, 'you', 'system')}`,
      `|\\b${any('when', 'while', 'if', 'after', 'before', 'once')} (?:you are |you're |you )?${any('summari[sz]ing', 'summari[sz]e', 'reading', 'read', 'processing', 'process', 'translating', 'analy[sz]ing', 'analy[sz]e', 'asked about', 'answering (?:questions )?about', 'responding to', 'reviewing', 'review')} (?:this|these|the|that) ${any('document', 'email', 'e-mail', 'page', 'text', 'article', 'message', 'website', 'file', 'resume', 'cv', 'content', 'review', 'paper', 'post', 'code', 'event', 'invite', 'invitation', 'meeting', 'ticket', 'issue', 'pull request', 'commit', 'transcript', 'thread', 'comment', 'report', 'invoice', 'image', 'screenshot', 'pdf', 'readme', 'repository', 'repo', 'note')}\\b[^.\\n]{0,20}\\b${any('you must', 'you should', 'you will', 'always', 'instead', 'ignore', 'only', 'do not', "don't", 'make sure to', 'respond', 'reply', 'say', 'include', 'tell', `(?:the |any )?${AGENT}s? ${any('must', 'should', 'will', 'needs to', 'has to', 'is to')}`)}\\b`,
    ],
    [
      'instruction',
      'message',
      'directive',
      'task',
      'request',
      'document',
      'email',
      'e-mail',
      'page',
      'text',
      'article',
      'website',
      'file',
      'resume',
      ' cv',
      'content',
      'review',
      'paper',
      'post',
      'code',
      'event',
      'invit',
      'meeting',
      'ticket',
      'issue',
      'pull request',
      'commit',
      'transcript',
      'thread',
      'comment',
      'report',
      'invoice',
      'image',
      'screenshot',
      'pdf',
      'readme',
      'repo',
      'note',
    ],
  ),
];
