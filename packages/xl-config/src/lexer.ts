/**
 * Lexer for xl domain config files, following libxlutil's flex scanner
 * (`tools/libs/util/libxlu_cfg_l.l`, Xen 4.17). Every byte of the input lands
 * in exactly one token, so concatenating token texts returns the input.
 *
 * What libxlutil's scanner accepts, and therefore what this one accepts:
 * - keys `[a-z][._0-9a-z]*` (lower case only);
 * - numbers `[0-9][0-9a-fx]*`, kept as text (`0x1F` is not one token: `F` is an error);
 * - single- or double-quoted strings on one line, `\` escaping any character but newline;
 * - `,` `[` `]` `=` `+=` `;`, blanks (space, tab), newlines, `#` comments up to a newline.
 * Anything else (CR, `-`, `.`, `(`, upper case, a comment with no final newline...)
 * is a lexical error: libxlutil then rejects the whole file.
 */

/** Token kinds. `comment` is `#...` without its newline; the newline is its own token. */
export type TokenKind =
  | 'ident'
  | 'number'
  | 'string'
  | 'comma'
  | 'lbracket'
  | 'rbracket'
  | 'assign'
  | 'add'
  | 'semicolon'
  | 'newline'
  | 'comment'
  | 'blank'
  | 'error';

/** One token: `start`/`end` are 0-based UTF-16 offsets into the text, end exclusive. */
export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /**
   * For an `error` token whose bad character is the very last character of the
   * input: flex's error state never gets to report it (no character follows to
   * match), so libxlutil silently ignores it and the file is accepted.
   */
  ignoredAtEof?: boolean;
  /** For `error` tokens: why the characters are not valid. */
  errorCode?:
    | 'CRLF_LINE_ENDING'
    | 'UNEXPECTED_CHARACTER'
    | 'NEGATIVE_NUMBER'
    | 'DECIMAL_NUMBER'
    | 'UPPERCASE_KEY'
    | 'UNTERMINATED_STRING'
    | 'COMMENT_WITHOUT_NEWLINE';
}

const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** `[._0-9a-z]`: characters that continue a key. */
const isIdentTail = (c: number) => isLower(c) || isDigit(c) || c === 0x2e || c === 0x5f;
/** `[0-9a-fx]`: characters that continue a number. */
const isNumberTail = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || c === 0x78;

/** Splits `text` into tokens covering every character. Never throws. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const start = i;
    if (isLower(c)) {
      i++;
      while (i < n && isIdentTail(text.charCodeAt(i))) i++;
      tokens.push({ kind: 'ident', start, end: i });
    } else if (isDigit(c)) {
      i++;
      while (i < n && isNumberTail(text.charCodeAt(i))) i++;
      tokens.push({ kind: 'number', start, end: i });
    } else if (c === 0x20 || c === 0x09) {
      i++;
      while (i < n && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
      tokens.push({ kind: 'blank', start, end: i });
    } else if (c === 0x0a) {
      tokens.push({ kind: 'newline', start, end: ++i });
    } else if (c === 0x2c) {
      tokens.push({ kind: 'comma', start, end: ++i });
    } else if (c === 0x5b) {
      tokens.push({ kind: 'lbracket', start, end: ++i });
    } else if (c === 0x5d) {
      tokens.push({ kind: 'rbracket', start, end: ++i });
    } else if (c === 0x3d) {
      tokens.push({ kind: 'assign', start, end: ++i });
    } else if (c === 0x3b) {
      tokens.push({ kind: 'semicolon', start, end: ++i });
    } else if (c === 0x2b && text.charCodeAt(i + 1) === 0x3d) {
      i += 2;
      tokens.push({ kind: 'add', start, end: i });
    } else if (c === 0x23) {
      const nl = text.indexOf('\n', i);
      if (nl === -1) {
        // `\#.*\n` cannot match without a newline: flex falls to its error rule.
        i = n;
        tokens.push({ kind: 'error', start, end: i, errorCode: 'COMMENT_WITHOUT_NEWLINE' });
      } else {
        i = nl;
        tokens.push({ kind: 'comment', start, end: i });
      }
    } else if (c === 0x22 || c === 0x27) {
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === c) {
          closed = true;
          break;
        }
        if (d === 0x0a) break;
        if (d === 0x5c) {
          if (j + 1 >= n || text.charCodeAt(j + 1) === 0x0a) break;
          j += 2;
        } else j++;
      }
      if (closed) {
        i = j + 1;
        tokens.push({ kind: 'string', start, end: i });
      } else {
        i = skipErrorRun(text, i + 1);
        tokens.push({ kind: 'error', start, end: i, errorCode: 'UNTERMINATED_STRING' });
      }
    } else if (c === 0x0d) {
      // flex's error state swallows the following non-blank run; a CR is its own error.
      i++;
      tokens.push({
        kind: 'error',
        start,
        end: i,
        errorCode: text.charCodeAt(i) === 0x0a ? 'CRLF_LINE_ENDING' : 'UNEXPECTED_CHARACTER',
      });
    } else {
      let code: Token['errorCode'] = 'UNEXPECTED_CHARACTER';
      if (c === 0x2d && isDigit(text.charCodeAt(i + 1))) code = 'NEGATIVE_NUMBER';
      else if (c === 0x2e && isDigit(text.charCodeAt(i + 1)) && tokens.at(-1)?.kind === 'number')
        code = 'DECIMAL_NUMBER';
      else if (c >= 0x41 && c <= 0x5a) code = 'UPPERCASE_KEY';
      i = skipErrorRun(text, i + 1);
      tokens.push({ kind: 'error', start, end: i, errorCode: code });
    }
  }
  const last = tokens.at(-1);
  if (last?.kind === 'error' && last.start === n - 1) last.ignoredAtEof = true;
  return tokens;
}

/** flex's `<lexerr>[^ \t\n]*`: after a bad character, the rest of the word is swallowed (CR excepted, so CRLF lines keep their newline token). */
function skipErrorRun(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const d = text.charCodeAt(i);
    if (d === 0x20 || d === 0x09 || d === 0x0a || d === 0x0d) break;
    i++;
  }
  return i;
}
