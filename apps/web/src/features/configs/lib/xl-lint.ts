/**
 * Diagnostics for the editor: what `@xendeck/xl-config` finds in a config text (syntax errors of
 * `parseXlConfig`, semantic errors and warnings of `toDomainConfig` — the same checks the server
 * runs before it saves), turned into CodeMirror lint diagnostics with document offsets.
 */
import type { Diagnostic } from '@codemirror/lint';
import { parseXlConfig, toDomainConfig } from '@xendeck/xl-config';

/** A diagnostic as xl-config and the server report it: 1-based line and column, optional 0-based offset. */
export interface LocatedDiagnostic {
  code: string;
  message: string;
  line: number;
  column: number;
  /** 0-based UTF-16 offset into the text (xl-config sets it; the server may pass it on). */
  offset?: number;
  /** The setting concerned, for semantic diagnostics (they point at the statement's start). */
  key?: string;
}

/** What xl makes of a text: errors (xl refuses the file) and warnings (xl ignores or warns). */
export interface XlCheck {
  errors: LocatedDiagnostic[];
  warnings: LocatedDiagnostic[];
}

/** Runs the same checks as the server: `toDomainConfig(parseXlConfig(text))` (syntax errors included). */
export function checkXlConfig(text: string): XlCheck {
  const { errors, warnings } = toDomainConfig(parseXlConfig(text));
  return { errors, warnings };
}

/**
 * 0-based offset of a 1-based line/column in `text`, where lines end at `\n` only (as in xl and in
 * the editor, which is configured with `\n` as its only line separator). Clamped to the text.
 */
export function lineColumnToOffset(text: string, line: number, column: number): number {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return text.length;
    start = nl + 1;
  }
  const lineEnd = text.indexOf('\n', start);
  const end = lineEnd === -1 ? text.length : lineEnd;
  return Math.min(start + Math.max(0, column - 1), end);
}

/** Characters that end the highlighted word of a syntax diagnostic. */
const WORD_END = /[\s,;[\]=#]/;

/**
 * The range a diagnostic covers in `text`. It starts at `offset` when given, else at line/column.
 * A semantic diagnostic (one with a `key`) covers its statement to the end of the line; a syntax
 * diagnostic covers the word it points at (at least one character, none at the very end).
 */
export function diagnosticRange(text: string, d: LocatedDiagnostic): { from: number; to: number } {
  const from = Math.min(
    d.offset !== undefined ? d.offset : lineColumnToOffset(text, d.line, d.column),
    text.length,
  );
  const lineEnd = text.indexOf('\n', from);
  const eol = lineEnd === -1 ? text.length : lineEnd;
  if (d.key !== undefined) return { from, to: Math.max(eol, from) };
  let to = from;
  while (to < eol && !WORD_END.test(text.charAt(to))) to++;
  if (to === from && from < eol) to = from + 1;
  return { from, to };
}

/** CodeMirror diagnostics for `text`, errors first, each labelled with xl-config's code. */
export function toEditorDiagnostics(text: string, check: XlCheck): Diagnostic[] {
  const one = (d: LocatedDiagnostic, severity: 'error' | 'warning'): Diagnostic => ({
    ...diagnosticRange(text, d),
    severity,
    source: d.code,
    message: d.message,
  });
  return [
    ...check.errors.map((d) => one(d, 'error')),
    ...check.warnings.map((d) => one(d, 'warning')),
  ];
}

/** The lint source for the editor: checks the whole text (configs are small; parsing takes µs). */
export function xlLintSource(text: string): Diagnostic[] {
  return toEditorDiagnostics(text, checkXlConfig(text));
}
