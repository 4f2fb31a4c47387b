/**
 * Filters on request text (PyTorch's "filtering: remove scripts and code
 * fragments"): chat-template control tokens and fake turns that let user
 * text impersonate the system or a tool (role spoofing), tool-call markup,
 * and template syntax that a server-side template engine would evaluate.
 * Run on NFKC-normalised text, so fullwidth look-alikes are caught too.
 */
import type { FilterAction, FilterConfig } from '../config/types.js';
import type { Author } from '../kinds/adapter.js';
import type { Edit } from './edits.js';
import { fullwidthPunctuation } from './escape.js';

interface InputRule {
  readonly id: string;
  readonly pattern: RegExp;
  readonly setting: 'roleSpoofing' | 'templateInjection';
  /** Characters every match contains: a text without any skips the pattern. */
  readonly hint: RegExp;
}

export const INPUT_RULES: readonly InputRule[] = [
  // ChatML, Llama 3, Phi, Qwen, DeepSeek, Harmony and FIM control tokens: <|name|>, and Llama 2 / Mistral / Gemma markers.
  {
    id: 'filter/role-marker',
    setting: 'roleSpoofing',
    hint: /[<[｜]/,
    pattern: /<\|[A-Za-z_][A-Za-z0-9_ ]{0,40}\|>|<｜[^｜\n]{1,40}｜>|\[\/?INST\]|<<\/?SYS>>|<\/?(?:start_of_turn|end_of_turn|bos|eos)>|<\/s>/gi,
  },
  // A line that opens a fake turn: "system:", "### Assistant:", "<system>".
  {
    id: 'filter/fake-turn',
    setting: 'roleSpoofing',
    hint: /[:<]/,
    pattern: /^[ \t>]*(?:#{1,4}[ \t]*)?(?:system|assistant|developer)[ \t]*(?:prompt|message)?[ \t]*:|<\/?(?:system|assistant|developer)>/gim,
  },
  // Tool-call markup of the common templates (Hermes/Qwen <tool_call>, Llama <|python_tag|> is a role marker above) and OpenAI JSON fields.
  {
    id: 'filter/tool-call-spoofing',
    setting: 'roleSpoofing',
    hint: /[<"]/,
    pattern:
      /<\/?(?:tool_call|tool_calls|tool_response|tool_result|function_call|function_calls|functions)\b[^>\n]{0,200}>|"(?:tool_calls|function_call|tool_call_id)"[ \t]*:/gi,
  },
  // Jinja/Django/Handlebars {{ }} {% %}, JS/shell ${ }, Ruby #{ }, ERB/JSP <% %>.
  {
    id: 'filter/template-injection',
    setting: 'templateInjection',
    hint: /[{%]/,
    pattern: /\{\{[\s\S]{0,500}?\}\}|\{%[\s\S]{0,500}?%\}|\$\{[^}\n]{0,200}\}|#\{[^}\n]{0,200}\}|<%[\s\S]{0,500}?%>/g,
  },
];

export interface InputFindings {
  readonly edits: readonly Edit[];
  /** Rules whose action is `reject` that matched. */
  readonly rejected: readonly string[];
  readonly fired: readonly string[];
}

function editFor(action: FilterAction, rule: string, start: number, matched: string): Edit | undefined {
  switch (action) {
    case 'strip':
      return { start, end: start + matched.length, replacement: '', rule };
    case 'escape':
      return { start, end: start + matched.length, replacement: fullwidthPunctuation(matched), rule };
    case 'reject':
    case 'off':
      return undefined;
  }
}

/** Text an operator wrote (system prompts) is not filtered; everything else is. */
export function filterInput(text: string, author: Author, config: FilterConfig): InputFindings {
  if (author === 'system') return { edits: [], rejected: [], fired: [] };
  const edits: Edit[] = [];
  const rejected: string[] = [];
  const fired: string[] = [];
  for (const rule of INPUT_RULES) {
    const action = config[rule.setting];
    if (action === 'off' || !rule.hint.test(text)) continue;
    rule.pattern.lastIndex = 0;
    for (const m of text.matchAll(rule.pattern)) {
      if (!fired.includes(rule.id)) fired.push(rule.id);
      if (action === 'reject') {
        rejected.push(rule.id);
        break;
      }
      const e = editFor(action, rule.id, m.index, m[0]);
      if (e !== undefined) edits.push(e);
    }
  }
  return { edits, rejected, fired };
}
