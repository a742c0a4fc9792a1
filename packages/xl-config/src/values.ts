/**
 * Values as libxlutil stores them, and how this package writes them back.
 *
 * In an xl config file every atom is a string: `memory = 512` and
 * `memory = "512"` are the same setting to xl (numbers are only interpreted
 * when xl asks for one, with C `strtol(..., 0)`). A value is a string or a
 * list of values (lists nest).
 */

/** A setting's value as xl sees it: a string, or a (possibly nested) list. */
export type XlValue = string | XlValue[];

/** What `XlDocument.set` accepts: numbers are written bare when they lex as an xl number, booleans as 1/0. */
export type XlValueInput = string | number | boolean | readonly XlValueInput[];

/** `[a-z][._0-9a-z]*`: the only keys libxlutil's lexer accepts. */
export const KEY_PATTERN = /^[a-z][._0-9a-z]*$/;
/** `[0-9][0-9a-fx]*`: what libxlutil lexes as a number token. */
export const NUMBER_TOKEN_PATTERN = /^[0-9][0-9a-fx]*$/;

/** Deep equality of two values. */
export function valuesEqual(a: XlValue, b: XlValue): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (!valuesEqual(a[i] as XlValue, b[i] as XlValue)) return false;
  return true;
}

/** Converts an input value to the value xl will read back after `formatValue`. */
export function normalizeValue(v: XlValueInput): XlValue {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return numberText(v);
  return v.map(normalizeValue);
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`xl config value must be a finite number, got ${n}`);
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
}

/**
 * Quotes a string the way a person would write it in an xl config: single
 * quotes unless the text has a `'` and no `"`; backslash, the quote and
 * newline/CR/control characters escaped with the escapes libxlutil decodes
 * (`\\ \' \" \n \r \a \b \f \v`). Tabs stay raw.
 * @throws TypeError if the string holds a NUL character (libxlutil cannot carry one).
 */
export function quoteString(s: string): string {
  if (s.includes('\0')) throw new TypeError('xl config strings cannot contain NUL characters');
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case q:
        out += `\\${q}`;
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\x07':
        out += '\\a';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\v':
        out += '\\v';
        break;
      default:
        out += ch;
    }
  }
  return out + q;
}

/** Options for {@link formatValue}. */
export interface FormatValueOptions {
  /** Indentation of the line holding the value's key (for multi-line lists). */
  indent?: string;
  /** Lists whose one-line form is longer than this many characters are split one item per line. Default 72. */
  maxLineLength?: number;
}

/**
 * Prints a value in xl syntax. Strings are always quoted; only JS numbers
 * that are non-negative integers become bare number tokens (negative numbers
 * are not valid bare tokens in xl, so they are quoted: xl's strtol still reads them).
 * Long lists are written one item per line with a trailing comma.
 * @throws TypeError for NaN/Infinity or strings containing NUL.
 */
export function formatValue(v: XlValueInput, opts: FormatValueOptions = {}): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    const t = numberText(v);
    return NUMBER_TOKEN_PATTERN.test(t) ? t : quoteString(t);
  }
  if (typeof v === 'string') return quoteString(v);
  const indent = opts.indent ?? '';
  const inner = `${indent}    `;
  const items = v.map((x) => formatValue(x, { ...opts, indent: inner }));
  const oneLine = `[ ${items.join(', ')} ]`;
  if (items.length === 0) return '[]';
  if (oneLine.length <= (opts.maxLineLength ?? 72) && !oneLine.includes('\n')) return oneLine;
  return `[\n${items.map((x) => `${inner}${x},\n`).join('')}${indent}]`;
}

/** errno values xl's number reading returns (Linux): 0 ok, 22 EINVAL, 34 ERANGE. */
export type XlLongResult = { rc: 0; value: bigint } | { rc: 22 | 34; reason: string };

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/**
 * Reads a number the way `xlu_cfg_get_long` does: C `strtol(s, &end, 0)` on a
 * 64-bit `long` — leading white space, an optional sign, `0x` hex, leading-`0`
 * octal, decimal otherwise; the whole string must be consumed.
 * So `"010"` is 8, `"08"` is invalid, `" 0x400"` is 1024, `"-5"` is -5.
 */
export function xlStrtol(s: string): XlLongResult {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i] as string)) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  let base = 10n;
  const hexDigit = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && hexDigit(s[i + 2])) {
    base = 16n;
    i += 2;
  } else if (s[i] === '0') base = 8n;
  const start = i;
  let v = 0n;
  for (; i < s.length; i++) {
    const d = parseInt(s[i] as string, 16);
    if (Number.isNaN(d) || BigInt(d) >= base) break;
    v = v * base + BigInt(d);
  }
  if (i === start) return { rc: 22, reason: 'is not a valid number' };
  if (neg) v = -v;
  if (v > LONG_MAX || v < LONG_MIN) return { rc: 34, reason: 'is out of range for a C long' };
  if (i !== s.length) return { rc: 22, reason: 'is not a valid number' };
  return { rc: 0, value: v };
}
