/**
 * Concrete syntax tree for xl config files, following libxlutil's bison grammar
 * (`tools/libs/util/libxlu_cfg_y.y`, Xen 4.17):
 *
 *     file       := stmt* assignment?          (the last assignment may lack a newline)
 *     stmt       := assignment end | end       end := NEWLINE | ';'
 *     assignment := KEY ('=' | '+=') value
 *     value      := STRING | NUMBER | '[' NL* (value NL* (',' NL* value NL*)* (',' NL*)?)? ']'
 *
 * NEWLINE includes a `#` comment before it. Blanks and comments are trivia kept
 * in the token stream, so the tree plus tokens reproduce the text exactly.
 */
import type { XlDiagnostic, XlSyntaxErrorCode } from './diagnostics.js';
import { LineIndex } from './diagnostics.js';
import { type Token, tokenize } from './lexer.js';
import type { XlValue } from './values.js';

/** A string or number atom. `value` is the dequoted text (numbers are kept as written). */
export interface AtomNode {
  kind: 'atom';
  /** `string` for a quoted atom, `number` for a bare number token. */
  tokenKind: 'string' | 'number';
  start: number;
  end: number;
  value: string;
}

/** A `[ ... ]` list; `start`/`end` span the brackets. */
export interface ListNode {
  kind: 'list';
  start: number;
  end: number;
  items: ValueNode[];
}

export type ValueNode = AtomNode | ListNode;

/** One `key = value` or `key += value` statement. Offsets are 0-based UTF-16, end exclusive. */
export interface AssignmentNode {
  key: string;
  op: '=' | '+=';
  /** Offset of the key's first character. */
  start: number;
  /** End of the value (or of what was parsed, for a broken statement). */
  end: number;
  valueStart: number;
  value: ValueNode | undefined;
  /** Offset just past the statement's terminator (`;` or newline, with blanks and a comment before it), or `end` at end of file. */
  stmtEnd: number;
  /** 1-based line of the key. */
  line: number;
  /** True when the statement had a syntax error (libxlutil does not store it). */
  broken: boolean;
}

/** Result of {@link parseCst}. */
export interface Cst {
  tokens: Token[];
  assignments: AssignmentNode[];
  errors: XlDiagnostic[];
  warnings: XlDiagnostic[];
  lines: LineIndex;
}

const LEX_MESSAGES: Record<NonNullable<Token['errorCode']>, string> = {
  CRLF_LINE_ENDING:
    'carriage return before newline: xl config files must use LF line endings (run dos2unix)',
  UNEXPECTED_CHARACTER:
    'unexpected character; values must be quoted strings, numbers or [lists] (arbitrary Python is not supported)',
  NEGATIVE_NUMBER: 'negative numbers are not valid bare values in xl config; quote them ("-1")',
  DECIMAL_NUMBER: 'decimal fractions are not valid xl numbers; quote the value or use an integer',
  UPPERCASE_KEY:
    'keys are lower case and values must be quoted: upper-case letters are not valid here',
  UNTERMINATED_STRING: 'unterminated string: a quoted string must close on the same line',
  COMMENT_WITHOUT_NEWLINE:
    'the file ends in a comment without a final newline, which libxlutil rejects; add a newline',
};

/**
 * Decodes a quoted string token as libxlutil's `xlu__cfgl_dequote` does:
 * `\" \' \\ \a \b \f \n \r \t \v` are decoded; `\x..` is always rejected by
 * libxlutil 4.17; `\<octal digit>` consumes the next characters as a decimal
 * number (at least two characters of it) and produces no character.
 * Any other character after a backslash is an error.
 */
export function dequote(raw: string): { value: string; errorAt?: number; message?: string } {
  const last = raw.length - 1;
  if (raw.indexOf('\\') === -1) return { value: raw.slice(1, last) };
  let out = '';
  let p = 1;
  let runStart = 1;
  while (p < last) {
    const c = raw.charCodeAt(p);
    if (c !== 0x5c) {
      p++;
      continue;
    }
    out += raw.slice(runStart, p);
    const at = p;
    const nc = raw[p + 1] ?? '';
    p += 2;
    switch (nc) {
      case '"':
      case "'":
      case '\\':
        out += nc;
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
        return {
          value: out,
          errorAt: at,
          message: 'invalid \\x escape: libxlutil rejects hexadecimal character escapes',
        };
      default:
        if (nc >= '0' && nc <= '7') {
          const used = strtoulDecimalLength(raw.slice(p, Math.min(p + 3, raw.length)));
          if (used <= 1)
            return {
              value: out,
              errorAt: at,
              message: 'invalid digit after backslash in octal character escape',
            };
          p += used;
          break;
        }
        return {
          value: out,
          errorAt: at,
          message: `invalid character after backslash in quoted string: \\${nc}`,
        };
    }
    runStart = p;
  }
  out += raw.slice(runStart, last);
  return { value: out };
}

/** How many characters C `strtoul(s, &end, 10)` consumes (0 when it converts nothing). */
function strtoulDecimalLength(s: string): number {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i] as string)) i++;
  if (s[i] === '+' || s[i] === '-') i++;
  const d = i;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  return i === d ? 0 : i;
}

/**
 * The deepest list nesting the parser reads (`a = [[...]]` is depth 2); one level more is a
 * `LIST_TOO_DEEP` error at its `[`. libxlutil's bison parser has a 10 000-entry stack
 * (YYMAXDEPTH) and needs 2 to 5 entries per level depending on the layout, so it accepts 1 000
 * levels in every layout (checked with test/harness: `[` alone up to 4 996, `[1,` up to about
 * 1 999): nothing xl reads at this depth or less is refused here. It bounds the parser's
 * recursion (one call per `[`) so a hostile text cannot overflow the call stack.
 */
export const MAX_LIST_DEPTH = 1000;

/** Thrown inside the parser to unwind to statement-level recovery (bison's `error NEWLINE`). */
class Fail {
  constructor(readonly hadLexError: boolean) {}
}

/** Parses the text into tokens and assignment nodes with their diagnostics. Never throws. */
export function parseCst(text: string): Cst {
  const tokens = tokenize(text);
  const lines = new LineIndex(text);
  const errors: XlDiagnostic[] = [];
  const warnings: XlDiagnostic[] = [];
  const assignments: AssignmentNode[] = [];
  const err = (code: XlSyntaxErrorCode, message: string, offset: number, key?: string) => {
    const { line, column } = lines.locate(offset);
    const d: XlDiagnostic = { code, message, line, column, offset };
    if (key !== undefined) d.key = key;
    errors.push(d);
  };

  // Significant tokens only; lexical errors are reported once each, here.
  const sig: Token[] = [];
  for (const t of tokens) {
    if (t.kind === 'blank' || t.kind === 'comment') continue;
    if (t.ignoredAtEof) {
      const { line, column } = lines.locate(t.start);
      warnings.push({
        code: 'IGNORED_FINAL_CHARACTER',
        message: `libxlutil silently ignores this invalid final character (${JSON.stringify(text.slice(t.start))}); remove it`,
        line,
        column,
        offset: t.start,
      });
      continue;
    }
    if (t.kind === 'error')
      err(
        t.errorCode ?? 'UNEXPECTED_CHARACTER',
        LEX_MESSAGES[t.errorCode ?? 'UNEXPECTED_CHARACTER'],
        t.start,
      );
    sig.push(t);
  }
  const n = sig.length;
  let pos = 0;
  const src = (t: Token) => text.slice(t.start, t.end);
  const describe = (t: Token | undefined) =>
    t === undefined ? 'end of file' : t.kind === 'newline' ? 'end of line' : `\`${src(t)}'`;

  const fail = (code: XlSyntaxErrorCode, message: string, t: Token | undefined, key?: string) => {
    if (t?.kind === 'error') throw new Fail(true);
    err(code, message, t ? t.start : text.length, key);
    throw new Fail(false);
  };

  const skipNewlines = () => {
    while (pos < n && sig[pos]?.kind === 'newline') pos++;
  };

  const parseValue = (key: string, depth = 0): ValueNode => {
    const t = sig[pos];
    if (t?.kind === 'string') {
      pos++;
      const raw = src(t);
      const dq = dequote(raw);
      if (dq.errorAt !== undefined)
        err('INVALID_ESCAPE', dq.message ?? 'invalid escape', t.start + dq.errorAt, key);
      return { kind: 'atom', tokenKind: 'string', start: t.start, end: t.end, value: dq.value };
    }
    if (t?.kind === 'number') {
      pos++;
      return { kind: 'atom', tokenKind: 'number', start: t.start, end: t.end, value: src(t) };
    }
    if (t?.kind === 'lbracket') {
      if (depth >= MAX_LIST_DEPTH)
        fail(
          'LIST_TOO_DEEP',
          `lists for \`${key}' are nested more than ${MAX_LIST_DEPTH} deep`,
          t,
          key,
        );
      pos++;
      const items: ValueNode[] = [];
      skipNewlines();
      for (;;) {
        const u = sig[pos];
        if (u?.kind === 'rbracket') {
          pos++;
          return { kind: 'list', start: t.start, end: u.end, items };
        }
        if (u === undefined)
          fail(
            'UNTERMINATED_LIST',
            `list opened here for \`${key}' is never closed with ]`,
            undefined,
            key,
          );
        items.push(parseValue(key, depth + 1));
        skipNewlines();
        const v = sig[pos];
        if (v?.kind === 'comma') {
          pos++;
          skipNewlines();
        } else if (v?.kind !== 'rbracket') {
          if (v === undefined)
            fail('UNTERMINATED_LIST', `list for \`${key}' is never closed with ]`, undefined, key);
          fail(
            'EXPECTED_COMMA_OR_BRACKET',
            `expected , or ] in the list for \`${key}', found ${describe(v)}`,
            v,
            key,
          );
        }
      }
    }
    if (t?.kind === 'ident')
      fail('BARE_WORD', `bare word \`${src(t)}' is not a value: quote it ("${src(t)}")`, t, key);
    return fail(
      'EXPECTED_VALUE',
      `expected a value for \`${key}' (a quoted string, a number or a [list]), found ${describe(t)}`,
      t,
      key,
    );
  };

  while (pos < n) {
    const t = sig[pos] as Token;
    if (t.kind === 'newline' || t.kind === 'semicolon') {
      pos++;
      continue;
    }
    let node: AssignmentNode | undefined;
    const stmtStartPos = pos;
    try {
      if (t.kind !== 'ident') {
        if (t.kind === 'number' || t.kind === 'string')
          fail(
            'EXPECTED_KEY',
            `expected a setting name at the start of a statement, found ${describe(t)}`,
            t,
          );
        fail('EXPECTED_KEY', `expected a setting name, found ${describe(t)}`, t);
      }
      const key = src(t);
      pos++;
      const op = sig[pos];
      if (op?.kind !== 'assign' && op?.kind !== 'add')
        fail(
          'EXPECTED_OPERATOR',
          `expected = or += after \`${key}', found ${describe(op)}`,
          op,
          key,
        );
      pos++;
      const vt = sig[pos];
      node = {
        key,
        op: op?.kind === 'add' ? '+=' : '=',
        start: t.start,
        end: vt ? vt.start : text.length,
        valueStart: vt ? vt.start : text.length,
        value: undefined,
        stmtEnd: text.length,
        line: lines.locate(t.start).line,
        broken: true,
      };
      node.value = parseValue(key);
      node.end = node.value.end;
      const e = sig[pos];
      if (e !== undefined && e.kind !== 'newline' && e.kind !== 'semicolon')
        fail(
          'EXPECTED_END_OF_STATEMENT',
          `expected end of line or ; after the value of \`${key}', found ${describe(e)}`,
          e,
          key,
        );
      node.broken = false;
      node.stmtEnd = e ? e.end : text.length;
      if (e) pos++;
      assignments.push(node);
    } catch (x) {
      if (!(x instanceof Fail)) throw x;
      // bison's `error NEWLINE`: resynchronise at the next newline outside brackets.
      let depth = 0;
      pos = Math.max(pos, stmtStartPos);
      while (pos < n) {
        const u = sig[pos] as Token;
        pos++;
        if (u.kind === 'lbracket') depth++;
        else if (u.kind === 'rbracket') depth--;
        else if (u.kind === 'newline' && depth <= 0) break;
      }
      if (node) {
        node.stmtEnd = pos > 0 ? (sig[pos - 1] as Token).end : text.length;
        assignments.push(node);
      }
    }
  }
  return { tokens, assignments, errors, warnings, lines };
}

/**
 * The plain value of a value node. Iterative (an explicit stack, not one call per level), so no
 * tree, even one deeper than {@link MAX_LIST_DEPTH} built by hand, can overflow the call stack.
 */
export function nodeValue(node: ValueNode): XlValue {
  if (node.kind === 'atom') return node.value;
  const root: XlValue[] = [];
  const stack: { items: ValueNode[]; next: number; out: XlValue[] }[] = [
    { items: node.items, next: 0, out: root },
  ];
  for (let top = stack[0]; top !== undefined; top = stack[stack.length - 1]) {
    const child = top.items[top.next++];
    if (child === undefined) stack.pop();
    else if (child.kind === 'atom') top.out.push(child.value);
    else {
      const out: XlValue[] = [];
      top.out.push(out);
      stack.push({ items: child.items, next: 0, out });
    }
  }
  return root;
}
