/**
 * Syntax highlighting for xl domain config files (xl.cfg(5)) in CodeMirror 6: a small stream
 * tokenizer following libxlutil's lexical grammar (`libxlu_cfg_l.l`, the same one
 * `@xendeck/xl-config`'s lexer follows) — comments, keys, `=`/`+=`, single- and double-quoted
 * strings with escapes, numbers, brackets, `,` and `;`. It only colours; whether the file is valid
 * is the linter's job (see `xl-lint.ts`), which reports with xl-config's own parser.
 */
import {
  HighlightStyle,
  StreamLanguage,
  type StreamParser,
  StringStream,
} from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

/** What the tokenizer expects next; a key is only a key at the start of a statement. */
export interface XlStreamState {
  /** `key`: start of a statement; `operator`: after the key; `value`: after `=`/`+=` or a `,` in a list. */
  expect: 'key' | 'operator' | 'value' | 'end';
  /** Open `[` not yet closed; newlines inside a list do not end the statement. */
  depth: number;
  /** Quote character of a string still open on this line (a string continues after an escape). */
  quote: '"' | "'" | null;
}

/**
 * Token names this tokenizer emits (each a `@lezer/highlight` tag name, which is how
 * StreamLanguage maps names to tags).
 */
export type XlTokenName =
  | 'lineComment'
  | 'propertyName'
  | 'definitionOperator'
  | 'string'
  | 'escape'
  | 'number'
  | 'squareBracket'
  | 'separator'
  | 'punctuation'
  | 'invalid';

/** Escapes libxlutil's string reader accepts (`\x` is always refused there; octal-looking digits are read as a decimal number). */
const VALID_ESCAPE = /[\\'"abfnrtv0-7]/;

function tokenString(stream: StringStream, state: XlStreamState): XlTokenName {
  const quote = state.quote ?? '"';
  if (stream.peek() === '\\') {
    stream.next();
    const escaped = stream.next();
    if (escaped === undefined) {
      // A backslash at the end of the line: the string is unterminated.
      state.quote = null;
      return 'invalid';
    }
    return VALID_ESCAPE.test(escaped) ? 'escape' : 'invalid';
  }
  while (!stream.eol()) {
    const ch = stream.peek();
    if (ch === '\\') return 'string';
    stream.next();
    if (ch === quote) {
      state.quote = null;
      state.expect = 'end';
      return 'string';
    }
  }
  // End of line inside a string: libxlutil strings are on one line, so this one is unterminated.
  state.quote = null;
  return 'invalid';
}

/** The CodeMirror stream parser for xl config files. Exported for tests. */
export const xlStreamParser: StreamParser<XlStreamState> = {
  name: 'xl',
  startState: () => ({ expect: 'key', depth: 0, quote: null }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (stream.sol()) {
      // Strings never span lines; a newline outside a list ends the statement.
      state.quote = null;
      if (state.depth === 0) state.expect = 'key';
    }
    if (state.quote) return tokenString(stream, state);
    if (stream.eatSpace()) return null;
    const ch = stream.peek();
    if (ch === '#') {
      stream.skipToEnd();
      return 'lineComment';
    }
    if (ch === '"' || ch === "'") {
      stream.next();
      state.quote = ch;
      return tokenString(stream, state);
    }
    if (stream.match(/^[a-z][._0-9a-z]*/)) {
      if (state.expect === 'key' && state.depth === 0) {
        state.expect = 'operator';
        return 'propertyName';
      }
      // A bare word where a value belongs: xl refuses it (`type = hvm` must be `type = "hvm"`).
      state.expect = 'end';
      return 'invalid';
    }
    if (stream.match(/^[0-9][0-9a-fx]*/)) {
      state.expect = 'end';
      return 'number';
    }
    if (stream.match('+=') || stream.match('=')) {
      state.expect = 'value';
      return 'definitionOperator';
    }
    if (ch === '[') {
      stream.next();
      state.depth++;
      state.expect = 'value';
      return 'squareBracket';
    }
    if (ch === ']') {
      stream.next();
      state.depth = Math.max(0, state.depth - 1);
      state.expect = 'end';
      return 'squareBracket';
    }
    if (ch === ',') {
      stream.next();
      state.expect = 'value';
      return 'separator';
    }
    if (ch === ';') {
      stream.next();
      if (state.depth === 0) state.expect = 'key';
      return 'punctuation';
    }
    stream.next();
    return 'invalid';
  },
  blankLine(state) {
    if (state.depth === 0) state.expect = 'key';
  },
  languageData: { commentTokens: { line: '#' } },
};

/** The xl config language for CodeMirror. */
export const xlLanguage = StreamLanguage.define(xlStreamParser);

/** One highlighted piece of a line, for tests and static rendering. */
export interface XlToken {
  /** 0-based line number. */
  line: number;
  text: string;
  /** Token name, or null for blanks. */
  type: XlTokenName | null;
}

/** Runs {@link xlStreamParser} over `text` line by line, as CodeMirror does. */
export function tokenizeXlForHighlight(text: string): XlToken[] {
  const state = xlStreamParser.startState?.(2) ?? { expect: 'key', depth: 0, quote: null };
  const out: XlToken[] = [];
  text.split('\n').forEach((lineText, line) => {
    if (lineText === '') {
      xlStreamParser.blankLine?.(state, 2);
      return;
    }
    const stream = new StringStream(lineText, 4, 2);
    while (!stream.eol()) {
      const type = xlStreamParser.token(stream, state) as XlTokenName | null;
      if (stream.pos === stream.start) throw new Error(`tokenizer stuck at line ${line + 1}`);
      out.push({ line, text: lineText.slice(stream.start, stream.pos), type });
      stream.start = stream.pos;
    }
  });
  return out;
}

/** Colours for light pages (Tailwind zinc/sky/emerald/amber/red ranges, readable on white). */
export const xlHighlightLight = HighlightStyle.define([
  { tag: t.lineComment, color: '#71717a', fontStyle: 'italic' },
  { tag: t.propertyName, color: '#0369a1', fontWeight: '600' },
  { tag: t.definitionOperator, color: '#52525b' },
  { tag: t.string, color: '#047857' },
  { tag: t.escape, color: '#b45309', fontWeight: '600' },
  { tag: t.number, color: '#7c3aed' },
  { tag: [t.squareBracket, t.separator, t.punctuation], color: '#52525b' },
  { tag: t.invalid, color: '#b91c1c', textDecoration: 'underline wavy' },
]);

/** Colours for dark pages (the same hues, lighter, readable on zinc-900). */
export const xlHighlightDark = HighlightStyle.define(
  [
    { tag: t.lineComment, color: '#a1a1aa', fontStyle: 'italic' },
    { tag: t.propertyName, color: '#7dd3fc', fontWeight: '600' },
    { tag: t.definitionOperator, color: '#d4d4d8' },
    { tag: t.string, color: '#6ee7b7' },
    { tag: t.escape, color: '#fcd34d', fontWeight: '600' },
    { tag: t.number, color: '#c4b5fd' },
    { tag: [t.squareBracket, t.separator, t.punctuation], color: '#d4d4d8' },
    { tag: t.invalid, color: '#fca5a5', textDecoration: 'underline wavy' },
  ],
  { themeType: 'dark' },
);
