/**
 * Diagnostics are data: every problem found while reading a config file or a
 * device spec is reported as an {@link XlDiagnostic} with a stable string code,
 * never thrown (only {@link XlConfigError} from the convenience wrappers throws).
 */

/** Stable codes for problems the lexer and parser find (libxlutil rejects the file for each). */
export type XlSyntaxErrorCode =
  | 'CRLF_LINE_ENDING'
  | 'UNEXPECTED_CHARACTER'
  | 'NEGATIVE_NUMBER'
  | 'DECIMAL_NUMBER'
  | 'UPPERCASE_KEY'
  | 'UNTERMINATED_STRING'
  | 'INVALID_ESCAPE'
  | 'COMMENT_WITHOUT_NEWLINE'
  | 'BARE_WORD'
  | 'EXPECTED_KEY'
  | 'EXPECTED_OPERATOR'
  | 'EXPECTED_VALUE'
  | 'EXPECTED_END_OF_STATEMENT'
  | 'EXPECTED_COMMA_OR_BRACKET'
  | 'UNTERMINATED_LIST'
  /** Lists nested deeper than `MAX_LIST_DEPTH` (1 000; parser.ts). */
  | 'LIST_TOO_DEEP'
  | 'ADD_TYPE_MISMATCH';

/** Stable codes for things libxlutil accepts but a person would not mean. */
export type XlSyntaxWarningCode = 'IGNORED_FINAL_CHARACTER';

/** Stable codes for semantic problems found by `toDomainConfig` and the spec parsers. */
export type XlSemanticCode =
  | 'UNKNOWN_KEY'
  | 'WRONG_TYPE'
  | 'INVALID_NUMBER'
  | 'INVALID_VALUE'
  | 'ADD_TO_NUMBER'
  | 'CONFLICTING_SETTINGS'
  | 'DUPLICATE_KEY'
  | 'DEPRECATED_KEY'
  | 'INVALID_DISK_SPEC'
  | 'INVALID_VIF_SPEC';

/** Every diagnostic code this package emits. */
export type XlDiagnosticCode = XlSyntaxErrorCode | XlSyntaxWarningCode | XlSemanticCode;

/**
 * One problem, located in the source text.
 * `line` and `column` are 1-based; `column` counts UTF-16 code units from the
 * start of the line (a tab counts as one). `offset` is the 0-based UTF-16
 * offset into the text (for editors); `key` is the setting concerned, if any.
 */
export interface XlDiagnostic {
  code: XlDiagnosticCode;
  message: string;
  line: number;
  column: number;
  offset?: number;
  key?: string;
}

/** Thrown only by the convenience wrappers (`parseXlConfigOrThrow`); carries the diagnostics. */
export class XlConfigError extends Error {
  readonly code: XlDiagnosticCode;
  readonly diagnostics: readonly XlDiagnostic[];
  constructor(diagnostics: readonly XlDiagnostic[], source = 'config') {
    const first = diagnostics[0];
    super(
      first
        ? `${source}:${first.line}:${first.column}: ${first.message} (${first.code})${
            diagnostics.length > 1 ? ` and ${diagnostics.length - 1} more` : ''
          }`
        : `${source}: invalid`,
    );
    this.name = 'XlConfigError';
    this.code = first?.code ?? 'EXPECTED_VALUE';
    this.diagnostics = diagnostics;
  }
}

/** Maps offsets in a text to 1-based line/column. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      this.starts.push(i + 1);
    }
  }
  /** 1-based line and column of a 0-based UTF-16 offset. */
  locate(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}
