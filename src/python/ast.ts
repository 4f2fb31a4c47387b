/**
 * The small Python AST the parser builds: enough to know what a module
 * imports, defines, assigns and calls. Every node carries its line.
 */

export type Expr =
  | { k: 'name'; id: string; line: number }
  | {
      k: 'const';
      value: string | number | boolean | null;
      kind: 'str' | 'bytes' | 'int' | 'float' | 'complex' | 'bool' | 'none' | 'ellipsis';
      exact: boolean;
      line: number;
    }
  | { k: 'fstring'; parts: Expr[]; line: number }
  | { k: 'attr'; value: Expr; attr: string; line: number }
  | { k: 'call'; func: Expr; args: Expr[]; keywords: Keyword[]; line: number }
  | { k: 'subscript'; value: Expr; index: Expr; line: number }
  | { k: 'slice'; parts: (Expr | undefined)[]; line: number }
  | { k: 'binop'; op: string; left: Expr; right: Expr; line: number }
  | { k: 'unary'; op: string; operand: Expr; line: number }
  | { k: 'boolop'; op: 'and' | 'or'; values: Expr[]; line: number }
  | { k: 'compare'; left: Expr; ops: string[]; rights: Expr[]; line: number }
  | { k: 'ifexp'; test: Expr; body: Expr; orelse: Expr; line: number }
  | { k: 'lambda'; params: Params; body: Expr; line: number }
  | { k: 'seq'; kind: 'tuple' | 'list' | 'set'; elts: Expr[]; line: number }
  | { k: 'dict'; keys: (Expr | undefined)[]; values: Expr[]; line: number }
  | { k: 'comp'; kind: 'list' | 'set' | 'dict' | 'gen'; elt: Expr; value?: Expr; generators: Comprehension[]; line: number }
  | { k: 'starred'; value: Expr; double: boolean; line: number }
  | { k: 'walrus'; target: string; value: Expr; line: number }
  | { k: 'await'; value: Expr; line: number }
  | { k: 'yield'; value: Expr | undefined; from: boolean; line: number };

/** A keyword argument; `name` undefined for `**kwargs`. */
export interface Keyword {
  name: string | undefined;
  value: Expr;
}

export interface Comprehension {
  target: Expr;
  iter: Expr;
  ifs: Expr[];
}

export interface Param {
  name: string;
  annotation: Expr | undefined;
  default: Expr | undefined;
  kind: 'plain' | 'star' | 'dstar';
}

export interface Params {
  params: Param[];
}

export interface ImportName {
  /** Dotted module (for `import`) or the imported name (for `from`). */
  name: string;
  asname: string | undefined;
}

export interface Handler {
  type: Expr | undefined;
  name: string | undefined;
  body: Stmt[];
  line: number;
}

export type Stmt =
  | { k: 'expr'; value: Expr; line: number }
  | { k: 'assign'; targets: Expr[]; value: Expr; line: number }
  | { k: 'augassign'; target: Expr; op: string; value: Expr; line: number }
  | { k: 'annassign'; target: Expr; annotation: Expr; value: Expr | undefined; line: number }
  | { k: 'import'; names: ImportName[]; line: number }
  | { k: 'from'; module: string; level: number; names: ImportName[]; line: number }
  | { k: 'def'; name: string; params: Params; returns: Expr | undefined; decorators: Expr[]; body: Stmt[]; async: boolean; line: number }
  | { k: 'class'; name: string; bases: Expr[]; keywords: Keyword[]; decorators: Expr[]; body: Stmt[]; line: number }
  | { k: 'return'; value: Expr | undefined; line: number }
  | { k: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[]; line: number }
  | { k: 'while'; test: Expr; body: Stmt[]; orelse: Stmt[]; line: number }
  | { k: 'for'; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[]; line: number }
  | { k: 'with'; items: { expr: Expr; target: Expr | undefined }[]; body: Stmt[]; line: number }
  | { k: 'match'; subject: Expr; cases: { pattern: Expr; guard: Expr | undefined; body: Stmt[] }[]; line: number }
  | { k: 'try'; body: Stmt[]; handlers: Handler[]; orelse: Stmt[]; finalbody: Stmt[]; line: number }
  | { k: 'raise'; exc: Expr | undefined; cause: Expr | undefined; line: number }
  | { k: 'assert'; test: Expr; msg: Expr | undefined; line: number }
  | { k: 'del'; targets: Expr[]; line: number }
  | { k: 'global'; names: string[]; line: number }
  | { k: 'pass' | 'break' | 'continue'; line: number };

export interface Module {
  body: Stmt[];
}
