/** Tool-call and exfiltration requests: data sent out through URLs, images, mail or tools. */
import { any, rule, type PatternRule } from './rule.js';

const DATA = any(
  'conversation',
  'chat(?: history| log)?',
  'previous messages',
  'message history',
  "user'?s? (?:data|info|information|details|messages|e-?mails?|password|credentials|address|name|history|files|documents)",
  'system prompt',
  'api keys?',
  'secrets?',
  'credentials',
  'personal (?:data|information|details)',
  'passwords?',
  'tokens?',
  'cookies?',
  'session',
  'the (?:above|entire|whole|full) (?:conversation|text|chat|context)',
  'everything (?:above|you know)',
  'contents? of',
  'private (?:data|information|keys?)',
  'inbox',
  'contacts',
);

/** Files whose content is a credential: SSH private keys (not `.pub`), cloud and registry credentials, environment files. */
const SECRET_FILE = `(?:~?\\/?(?:\\.ssh\\/)?id_(?:rsa|ed25519|ecdsa|dsa)(?!\\.pub)\\b|~\\/\\.ssh(?![\\w\\/.-]*\\.pub\\b)\\b|\\.aws\\/credentials|(?:^|[\\s'"\\/])\\.env\\b(?!\\.example)|\\/etc\\/(?:passwd|shadow)\\b|\\.netrc\\b|\\.npmrc\\b|\\.pypirc\\b|\\.git-credentials\\b|\\.kube\\/config\\b)`;

/** A slot for the model to fill in a URL: `{conversation}`, `[DATA]`, `<secret>`, `$SUMMARY`, `%7B...`. */
const PLACEHOLDER = any('\\{[^}\\s]{1,40}\\}', '\\[[a-z_ ]{1,40}\\]', '<[a-z_ ]{1,40}>', '\\$[a-z_]{2,}', '%7b');

export const EXFIL_RULES: readonly PatternRule[] = [
  rule(
    'exfil/markdown-image-data',
    4,
    'a markdown image or link whose URL has a placeholder for the model to fill',
    [`!?\\[[^\\]\\n]{0,80}\\]\\(\\s*https?:\\/\\/[^)\\s]{0,200}?[?&/=](?:[^)\\s]{0,100}?)${PLACEHOLDER}`],
    [']('],
  ),
  rule(
    'exfil/markdown-image-param',
    1.5,
    'a markdown image whose URL has a parameter named for conversation data',
    // A literal value is nothing for the model to fill (README badges carry `?token=` and `?q=`): weak alone.
    [
      `!\\[[^\\]\\n]{0,80}\\]\\(\\s*https?:\\/\\/[^)\\s]{0,200}?[?&]${any('data', 'q', 'd', 'info', 'msg', 'message', 'secret', 'password', 'token', 'key', 'conversation', 'chat', 'prompt', 'history', 'summary', 'content', 'text')}=`,
    ],
    ['!['],
  ),
  rule(
    'exfil/render-image',
    2,
    'asks the model to render an image or link from an outside URL',
    [
      `\\b${any('render', 'display', 'show', 'output', 'include', 'embed', 'insert', 'append', 'print')}\\b[^.\\n]{0,40}\\b${any('markdown', 'image', 'img', 'pixel', 'link')}\\b[^.\\n]{0,80}https?:\\/\\/`,
    ],
    ['http'],
  ),
  rule(
    'exfil/send-data',
    4,
    'asks to send conversation data, secrets or user data somewhere',
    [
      `\\b${any('send', 'post', 'upload', 'forward', 'transmit', 'exfiltrate', 'e-?mail', 'leak', 'submit', 'append', 'encode', 'embed', 'attach', 'copy', 'share', 'include', 'pass')}\\b(?: (?:all|the|every|any|this|my|me))?[^.\\n]{0,40}?\\b${DATA}\\b[^.\\n]{0,60}\\b${any('to', 'into', 'in', 'via', 'through', 'using')}\\b[^.\\n]{0,40}?(?:https?:\\/\\/|\\burl\\b|\\blink\\b|webhook|\\bserver\\b|endpoint|e-?mail address|[\\w.+-]+@[\\w-]+\\.[\\w.]+|\\bquery (?:string|param))`,
    ],
    ['http', 'url', 'link', 'webhook', 'server', 'endpoint', 'mail', '@', 'query'],
  ),
  rule(
    'exfil/tool-call',
    2.5,
    'asks the model to call a tool or take an action with side effects',
    [
      `\\b${any('call', 'invoke', 'execute', 'run', 'trigger', 'use')} (?:the )?[\\w.-]{0,30} ?${any('tool', 'function', 'plugin', 'api', 'action', 'command')}\\b[^.\\n]{0,40}\\b${any('send', 'delete', 'transfer', 'email', 'post', 'forward', 'purchase', 'pay', 'wire', 'share', 'grant', 'upload', 'http', 'fetch')}`,
      `|\\b${any('transfer', 'wire', 'send', 'pay')} (?:\\$|€|£)?[\\d,.]+ ?(?:k|dollars|euros|usd|btc|eth)?\\b[^.\\n]{0,40}\\b${any('account', 'wallet', 'iban', 'address')}\\b`,
      `|\\b${any('delete', 'remove', 'wipe', 'drop', 'erase', 'destroy')} ${any('all', 'every')} (?:of )?(?:the )?(?:user'?s? |my |their |his |her )?${any('files', 'e-?mails', 'data', 'records', 'repositor(?:y|ies)', 'messages', 'backups', 'contacts', 'tables', 'databases?')}\\b`,
    ],
    ['tool', 'function', 'plugin', 'api', 'action', 'command', 'account', 'wallet', 'iban', 'address', 'all ', 'every '],
  ),
  rule(
    'exfil/local-secrets',
    3.5,
    'asks to read and pass on local secret files (SSH keys, cloud credentials, environment files)',
    [
      `\\b${any('read', 'cat', 'open', 'print', 'copy', 'get', 'grab', 'collect', 'load')}\\b[^.\\n]{0,30}${SECRET_FILE}[^\\n]{0,80}\\b${any('include', 'send', 'post', 'upload', 'commit', 'paste', 'e-?mail', 'append', 'add', 'put', 'push', 'share', 'forward', 'embed', 'encode')}\\b`,
      `|\\b${any('send', 'post', 'upload', 'commit', 'paste', 'e-?mail', 'exfiltrate', 'leak', 'forward', 'share')}\\b[^.\\n]{0,30}${SECRET_FILE}`,
    ],
    ['ssh', 'id_rsa', 'id_ed25519', 'id_ecdsa', 'aws', '.env', 'passwd', 'shadow', 'netrc', 'npmrc', 'pypirc', 'git-credentials', 'kube'],
  ),
  rule(
    'exfil/fetch-url',
    1.5,
    'asks the model to visit, fetch or load an outside URL',
    [
      `\\b${any('curl', 'wget', 'fetch', 'visit', 'navigate to', 'browse to', 'go to', 'open', 'load', 'request', 'click')} (?:the (?:url|link|page|site) |this (?:url|link|page|site) )?https?:\\/\\/[^\\s)]{4,}[^.\\n]{0,60}\\b${any('and', 'then', 'with', 'append', 'include', 'add', 'follow')}\\b`,
    ],
    ['http'],
  ),
];
