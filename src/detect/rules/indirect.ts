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

export const INDIRECT_RULES: readonly PatternRule[] = [
  rule(
    'indirect/address-agent',
    4,
    'text that addresses an AI assistant reading it',
    [
      `\\b${any('if you are', "if you're", 'if you happen to be', 'when you are', 'as an?', 'attention', 'note to', 'notice to', 'message (?:to|for)', 'instructions? (?:to|for)', 'dear', 'to the', 'to any', 'hey', 'important for')} (?:an? |the |any |all |this )?${AGENT}s?\\b[^.\\n]{0,20}\\b${any(PROCESSING, 'who', 'that', 'which', 'reading', 'here', 'you', 'please', 'must', 'should', 'is', 'are')}`,
      `|\\b${AGENT}s? ${PROCESSING} (?:this|these|the following|that) ${any('document', 'email', 'e-mail', 'message', 'page', 'website', 'site', 'text', 'file', 'content', 'resume', 'cv', 'review', 'article', 'paper', 'post', 'data', 'code', 'repository', 'ticket', 'application', 'submission')}`,
    ],
    ['ai', 'a.i.', 'llm', 'model', 'assistant', 'bot', 'gpt', 'claude', 'gemini', 'copilot', 'bing', 'agent', 'automated', 'summari', 'crawler', 'scraper'],
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
    'indirect/user-claim',
    2.5,
    'claims the user asked for or approved something',
    [
      `\\b(?:the )?${any('user', 'human', 'account owner', 'recipient')} ${any('has', 'have', 'already')} ${any('asked', 'requested', 'instructed', 'authori[sz]ed', 'approved', 'consented', 'agreed', 'given permission', 'wants', 'requires')}(?: you)? (?:to|that|for)\\b`,
      `|\\b(?:the )?${any('user', 'human')} ${any('wants', 'would like', 'needs', 'expects', 'requires')} you to\\b`,
    ],
    ['user', 'human', 'owner', 'recipient'],
  ),
  rule(
    'indirect/embedded-instruction',
    2.5,
    'marks a block as instructions for the assistant inside content',
    [
      `\\b${any('important', 'urgent', 'attention', 'note', 'notice', 'critical', 'priority', 'warning', 'update')}\\s*[:!-]+\\s*(?:new |updated |additional )?${any('instructions?', 'message', 'directive', 'task', 'request')} (?:for|to) (?:the |any |all )?${any(AGENT, 'you', 'system')}`,
      `|\\b${any('when', 'while', 'if', 'after', 'before', 'once')} (?:you are |you're |you )?${any('summari[sz]ing', 'summari[sz]e', 'reading', 'read', 'processing', 'process', 'translating', 'analy[sz]ing', 'analy[sz]e', 'asked about', 'answering (?:questions )?about', 'responding to', 'reviewing', 'review')} (?:this|these|the|that) ${any('document', 'email', 'e-mail', 'page', 'text', 'article', 'message', 'website', 'file', 'resume', 'cv', 'content', 'review', 'paper', 'post', 'code')}\\b[^.\\n]{0,20}\\b${any('you must', 'you should', 'you will', 'always', 'instead', 'ignore', 'only', 'do not', "don't", 'make sure to', 'respond', 'reply', 'say', 'include', 'tell')}\\b`,
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
    ],
  ),
];
