/**
 * `XlDocument`: a parsed xl config file that prints back byte for byte and can
 * be edited setting by setting without disturbing the rest of the text.
 */
import { XlConfigError, type XlDiagnostic } from './diagnostics.js';
import type { Token } from './lexer.js';
import { type AssignmentNode, type Cst, nodeValue, parseCst } from './parser.js';
import {
  formatValue,
  KEY_PATTERN,
  normalizeValue,
  type XlValue,
  type XlValueInput,
} from './values.js';

/**
 * The effective value of one key, as libxlutil stores it: the last statement
 * for the key wins; `key += value` appends to the previous value (string
 * concatenation or list concatenation) or, with no previous value, stands alone.
 */
export interface XlSetting {
  key: string;
  value: XlValue;
  /** Operator of the last statement for the key. xl refuses to read a number from a `+=` setting. */
  op: '=' | '+=';
  /** 1-based line of the last statement for the key (the line xl reports). */
  line: number;
  /** All statements for this key in file order (earlier `=` ones are overridden). */
  statements: AssignmentNode[];
}

/** A parsed xl domain config file. See {@link parseXlConfig}. */
export class XlDocument {
  private text: string;
  private cst!: Cst;
  private settingsMap!: Map<string, XlSetting>;
  /** Syntax errors: when non-empty, `xl create` refuses the file ("Failed to parse config"). */
  errors: XlDiagnostic[] = [];
  /** Findings libxlutil accepts silently but that are likely mistakes (`toDomainConfig` reports semantic ones in its own result). */
  warnings: XlDiagnostic[] = [];

  constructor(text: string) {
    this.text = text;
    this.reparse();
  }

  private reparse(): void {
    this.cst = parseCst(this.text);
    this.errors = [...this.cst.errors];
    this.warnings = [...this.cst.warnings];
    this.settingsMap = new Map();
    for (const a of this.cst.assignments) {
      if (a.broken || a.value === undefined) continue;
      const v = nodeValue(a.value);
      const prev = this.settingsMap.get(a.key);
      if (a.op === '+=' && prev) {
        const prevIsList = typeof prev.value !== 'string';
        const isList = typeof v !== 'string';
        if (prevIsList !== isList) {
          const { line, column } = this.cst.lines.locate(a.start);
          this.errors.push({
            code: 'ADD_TYPE_MISMATCH',
            message: `can't add [list] to "string" or vice versa: \`${a.key}' was a ${prevIsList ? 'list' : 'string'} (line ${prev.line})`,
            line,
            column,
            offset: a.start,
            key: a.key,
          });
          continue;
        }
        const value: XlValue =
          typeof v === 'string' ? (prev.value as string) + v : [...(prev.value as XlValue[]), ...v];
        this.settingsMap.set(a.key, {
          key: a.key,
          value,
          op: '+=',
          line: a.line,
          statements: [...prev.statements, a],
        });
      } else {
        this.settingsMap.set(a.key, {
          key: a.key,
          value: v,
          op: a.op,
          line: a.line,
          statements: prev ? [...prev.statements, a] : [a],
        });
      }
    }
    this.errors.sort((x, y) => (x.offset ?? 0) - (y.offset ?? 0));
  }

  /** The exact text: the input, byte for byte, if no edit was made. */
  toString(): string {
    return this.text;
  }

  /** Every token with its offsets (blanks, comments and newlines included). */
  get tokens(): readonly Token[] {
    return this.cst.tokens;
  }

  /** Every statement in file order, including overridden and broken ones. */
  get statements(): readonly AssignmentNode[] {
    return this.cst.assignments;
  }

  /** The value xl would see for `key`, or undefined if the key is not set. */
  get(key: string): XlValue | undefined {
    return this.settingsMap.get(key)?.value;
  }

  /** Whether xl would see a value for `key`. */
  has(key: string): boolean {
    return this.settingsMap.has(key);
  }

  /** The effective setting (value, operator, line, statements) for `key`. */
  getSetting(key: string): XlSetting | undefined {
    return this.settingsMap.get(key);
  }

  /** Keys in order of their first statement. */
  keys(): string[] {
    return [...this.settingsMap.keys()];
  }

  /** Effective settings in order of first appearance. */
  settings(): XlSetting[] {
    return [...this.settingsMap.values()];
  }

  /** All effective values as a plain object (keys in order of first appearance). */
  toJSON(): Record<string, XlValue> {
    const o: Record<string, XlValue> = {};
    for (const s of this.settingsMap.values()) o[s.key] = s.value;
    return o;
  }

  /**
   * Sets `key` so that xl reads `value`. Only the text of that setting changes:
   * - the last `key = ...` statement has its value replaced in place (comments
   *   on the line and elsewhere stay); `+=` statements after it are removed;
   * - if the key only has `+=` statements, the first becomes `key = value` and
   *   the rest are removed;
   * - a new key is appended as `key = value` on its own line at the end.
   * Values are written with {@link formatValue}.
   * @throws TypeError if `key` is not a valid xl key (`[a-z][._0-9a-z]*`) or the value cannot be written.
   */
  set(key: string, value: XlValueInput): this {
    assertKey(key);
    const existing = this.settingsMap.get(key);
    const normalized = normalizeValue(value);
    const edits: Edit[] = [];
    const all = this.cst.assignments.filter((a) => a.key === key && !a.broken);
    if (existing && all.length > 0) {
      let lastAssign = -1;
      all.forEach((a, i) => {
        if (a.op === '=') lastAssign = i;
      });
      const target = all[Math.max(lastAssign, 0)] as AssignmentNode;
      const indent = this.lineIndent(target.start);
      const printed = formatValue(value, { indent });
      if (target.op === '=')
        edits.push({ start: target.valueStart, end: target.end, text: printed });
      else edits.push({ start: target.start, end: target.end, text: `${key} = ${printed}` });
      for (const a of all.slice(Math.max(lastAssign, 0) + 1)) edits.push(this.removalEdit(a));
    } else {
      const printed = formatValue(value);
      const sep = this.text.length === 0 || this.text.endsWith('\n') ? '' : '\n';
      edits.push({
        start: this.text.length,
        end: this.text.length,
        text: `${sep}${key} = ${printed}\n`,
      });
    }
    this.apply(edits);
    const got = this.settingsMap.get(key)?.value;
    if (got === undefined || JSON.stringify(got) !== JSON.stringify(normalized)) {
      // Cannot happen for a document without syntax errors; with errors, xl would not read it anyway.
      if (this.cst.errors.length === 0) throw new Error(`internal: set(${key}) did not round-trip`);
    }
    return this;
  }

  /**
   * Replaces item `index` (0-based) of the list xl reads for `key`, in place: only that item's
   * text changes (written with {@link formatValue}); the other items, the commas, the line breaks
   * and any comments inside or around the list stay byte for byte. The items are counted as xl
   * sees them: from the last `key = [...]` statement on, then each later `key += [...]`.
   * @throws RangeError when `key` has no list value or `index` is outside it.
   * @throws TypeError when the value cannot be written (see {@link formatValue}).
   */
  setListItem(key: string, index: number, value: XlValueInput): this {
    const setting = this.settingsMap.get(key);
    if (!setting || typeof setting.value === 'string') {
      throw new RangeError(`${key} is not set to a list`);
    }
    let lastAssign = 0;
    setting.statements.forEach((a, i) => {
      if (a.op === '=') lastAssign = i;
    });
    const items = setting.statements
      .slice(lastAssign)
      .flatMap((a) => (a.value?.kind === 'list' ? a.value.items : []));
    const item = Number.isInteger(index) ? items[index] : undefined;
    if (!item) {
      throw new RangeError(`${key} has ${items.length} items; there is no item ${index}`);
    }
    const printed = formatValue(value, { indent: this.lineIndent(item.start) });
    this.apply([{ start: item.start, end: item.end, text: printed }]);
    return this;
  }

  /**
   * Removes every statement for `key`. A statement alone on its line goes with
   * its line (and any comment on that line); one sharing a line with other
   * statements is cut out with its `;`. Returns whether anything was removed.
   */
  delete(key: string): boolean {
    const all = this.cst.assignments.filter((a) => a.key === key);
    if (all.length === 0) return false;
    this.apply(all.map((a) => this.removalEdit(a)));
    return true;
  }

  private lineIndent(offset: number): string {
    const ls = this.text.lastIndexOf('\n', offset - 1) + 1;
    const m = /^[ \t]*/.exec(this.text.slice(ls, offset));
    return m ? m[0] : '';
  }

  private removalEdit(a: AssignmentNode): Edit {
    const ls = this.text.lastIndexOf('\n', a.start - 1) + 1;
    const aloneBefore = /^[ \t]*$/.test(this.text.slice(ls, a.start));
    const endsLine = a.stmtEnd === this.text.length || this.text[a.stmtEnd - 1] === '\n';
    if (aloneBefore && endsLine) return { start: ls, end: a.stmtEnd, text: '' };
    if (aloneBefore) {
      // `a = 1; b = 2`: drop `a = 1; ` and the blanks after it.
      let e = a.stmtEnd;
      while (this.text[e] === ' ' || this.text[e] === '\t') e++;
      return { start: a.start, end: e, text: '' };
    }
    // `x = 1; a = 2` (+ comment/newline): cut from the end of the previous statement's terminator.
    if (endsLine) {
      // keep the newline (and a comment, which belongs to the line, not to `a`)
      let e = a.end;
      const rest = this.text.slice(a.end, a.stmtEnd);
      const semi = rest.indexOf(';');
      if (semi !== -1) e = a.end + semi + 1;
      let s = a.start;
      while (s > ls && (this.text[s - 1] === ' ' || this.text[s - 1] === '\t')) s--;
      return { start: s, end: e, text: '' };
    }
    let e = a.stmtEnd;
    while (this.text[e] === ' ' || this.text[e] === '\t') e++;
    return { start: a.start, end: e, text: '' };
  }

  private apply(edits: Edit[]): void {
    edits.sort((x, y) => y.start - x.start);
    let t = this.text;
    for (const e of edits) t = t.slice(0, e.start) + e.text + t.slice(e.end);
    this.text = t;
    this.reparse();
  }
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function assertKey(key: string): void {
  if (!KEY_PATTERN.test(key))
    throw new TypeError(
      `invalid xl config key ${JSON.stringify(key)}: keys are lower-case letters, digits, '.' and '_', starting with a letter`,
    );
}

/**
 * Parses an xl domain config file (xl.cfg(5)) with libxlutil's grammar.
 * Never throws: problems are in `doc.errors` (libxlutil would reject the file)
 * and `doc.warnings`; `doc.toString()` returns `text` unchanged.
 */
export function parseXlConfig(text: string): XlDocument {
  return new XlDocument(text);
}

/**
 * Like {@link parseXlConfig} but throws when the file has syntax errors.
 * @throws XlConfigError with every diagnostic; `source` names the file in the message.
 */
export function parseXlConfigOrThrow(text: string, source = 'config'): XlDocument {
  const doc = new XlDocument(text);
  if (doc.errors.length > 0) throw new XlConfigError(doc.errors, source);
  return doc;
}
