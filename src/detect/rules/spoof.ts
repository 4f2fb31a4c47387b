/** Role and delimiter spoofing: fake turns, chat-template tokens, claimed authority, walls of junk separators. */
import { any, rule, type PatternRule } from './rule.js';

const FAKE_ROLE = any(
  'system',
  'admin',
  'administrator',
  'developer',
  'root',
  'sudo',
  'operator',
  'system message',
  'system note',
  'system override',
  'admin override',
  'important system message',
  'assistant',
);
/** A role name as a turn label, bare or marked up: `## system`, `**admin**`, `[developer]`, `<assistant>`. */
const ROLE_LABEL = `(?:#{1,4} ?|\\*\\*|\\[|<)?${FAKE_ROLE}(?:\\]|\\*\\*|>)?`;

export const SPOOF_RULES: readonly PatternRule[] = [
  rule(
    'spoof/chat-template',
    5,
    'chat-template control tokens in user text',
    [
      `<\\|${any('im_start', 'im_end', 'system', 'user', 'assistant', 'endoftext', 'eot_id', 'start_header_id', 'end_header_id', 'begin_of_text', 'end', 'im_sep', 'fim_\\w+', 'tool_call', 'channel', 'message')}\\|>`,
      `|\\[/?inst\\]|<</?sys>>|<start_of_turn>|<end_of_turn>|\\[/?system\\]|<\\s*/?\\s*${any('system', 'sys', 'system_prompt', 'admin', 'developer', 'instructions?')}\\s*>`,
    ],
    ['<', '['],
  ),
  rule(
    'spoof/fake-turn',
    3,
    'a line that pretends to be a system, admin or assistant turn',
    [
      // At the start of a line, with its text on the same line; a label alone on its line only after a sentence or
      // a blank line (a wrapped sentence ending in "... Debian\n system:" is not a turn).
      `(?:^|\\n)${ROLE_LABEL}[ \\t]*[:：](?=[ \\t]*\\S)|(?:^|[.!?:;"'”)\\]>*#=-][ \\t]*\\n)${ROLE_LABEL}\\s*[:：]`,
      `|\\[${any('system', 'admin', 'developer', 'openai', 'moderator')} ${any('message', 'note', 'override', 'prompt', 'instruction', 'update', 'notice')}\\]`,
    ],
    [':', '：', '['],
  ),
  rule(
    'spoof/end-of-input',
    3,
    'pretends the user input or document has ended',
    [
      `\\b${any('end', 'close', 'closing')} of (?:the )?${any('user ', 'untrusted ', 'original ', '')}${any('input', 'prompt', 'instructions', 'document', 'conversation', 'context', 'text', 'email', 'data', 'message', 'query', 'transcript')}\\b(?:\\s*[-=#*\\]>%]{2,}|\\s*[.:]?\\s*(?:\\n|$))`,
      // Not a PEM or PGP armour line ("-----BEGIN CERTIFICATE-----").
      `|(?:-{3,}|={3,}|#{3,}|\\*{3,}|%{3,}|>{3,})\\s*${any('system', 'admin', 'new instructions', 'instructions', 'begin\\b(?! (?:[a-z0-9]+ ){0,3}(?:certificate|key|pgp|signature|signed message|cms|pkcs7|crl|parameters|openssh))', 'start', 'override', 'developer')}\\b`,
      `|<\\s*/\\s*${any('user', 'document', 'context', 'input', 'data', 'email', 'text', 'untrusted', 'query')}\\s*>`,
    ],
    ['end', 'clos', '---', '===', '###', '***', '%%%', '>>>', '</'],
  ),
  rule(
    'spoof/authority',
    3,
    'claims to speak for the developer, the operator or the provider',
    [
      `\\b${any('this is', 'message from', 'note from', 'i am', "i'?m", 'speaking as', 'on behalf of', 'we are', 'instruction from')} (?:your |the |an? )?${any('developers?', 'creators?', 'administrators?', 'admins?', 'system administrator', 'openai', 'anthropic', 'owners?', 'operators?', 'programmers?', 'the system', 'system', 'your maker', 'engineers? (?:at|from) (?:openai|anthropic|google)', '(?:openai|anthropic) (?:employee|staff|team|engineer)s?')}\\b(?![\\w'-]* (?:at|of) (?:a|my|our|this) (?:company|team|startup|firm))`,
      `|\\b${any('admin', 'administrator', 'developer', 'root', 'sudo', 'maintenance', 'god', 'superuser', 'override')} ${any('access', 'override', 'privileges', 'command', 'authori[sz]ation', 'code', 'clearance')}\\b[^.\\n]{0,30}\\b${any('granted', 'enabled', 'activated', 'confirmed', 'accepted', 'verified')}\\b`,
    ],
    [
      'develop',
      'creator',
      'admin',
      'openai',
      'anthropic',
      'owner',
      'operator',
      'programmer',
      'system',
      'maker',
      'engineer',
      'root',
      'sudo',
      'maintenance',
      'god',
      'superuser',
      'override',
    ],
  ),
  rule('spoof/delimiter-flood', 2, 'a long run of junk separators meant to push earlier text out of view', [
    `([^\\w\\s=\\-*#_~.\`|+<>/\\\\'"()[\\]{},;:?!])(?: ?\\1){19,}`,
  ]),
];
