/**
 * Reading LVM's JSON reports (`vgs`/`pvs`/`lvs --reportformat json`) and the lv_attr positions.
 *
 * lvm2 2.03.16 (Debian 12) prints a trailing comma inside each object (`"mirror_log":"", }`),
 * which JSON.parse rejects. {@link stripTrailingCommas} removes a comma that is followed only by
 * whitespace and then `}` or `]`, and only OUTSIDE strings (a small scanner, so `",}"` inside a
 * value is kept).
 */
import { StorageError } from './errors.js';

/** One report row: field name → value (strings with `--reportformat json`; numbers in json_std). */
export type LvmReportRow = Record<string, unknown>;

/** Rows by report name (`vg`, `pv`, `lv`), merged over the `report` array's entries. */
export type LvmReport = Record<string, LvmReportRow[]>;

/** `text` with every trailing comma outside strings removed (see the module comment). */
export function stripTrailingCommas(text: string): string {
  const out: string[] = [];
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
    } else if (c === ',') {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j] as string)) j++;
      if (text[j] === '}' || text[j] === ']') {
        out.push(text.slice(start, i));
        start = i + 1;
      }
    }
  }
  out.push(text.slice(start));
  return out.join('');
}

/**
 * Parses the stdout of an lvm report command run with `--reportformat json`:
 * `{"report": [{"lv": [{...}, …]}, …], "log": [...]?}` → `{ lv: [...] }`. Tolerates trailing
 * commas. Throws LVM_ERROR (with the text in `details.text`) if it is not such a report.
 */
export function parseLvmReport(text: string): LvmReport {
  let doc: unknown;
  try {
    doc = JSON.parse(stripTrailingCommas(text));
  } catch (e) {
    throw new StorageError('LVM_ERROR', `unreadable LVM report: ${(e as Error).message}`, {
      text,
    });
  }
  const report = (doc as { report?: unknown } | null)?.report;
  if (!Array.isArray(report)) {
    throw new StorageError('LVM_ERROR', 'LVM report has no "report" array', { text });
  }
  const rows: LvmReport = {};
  for (const entry of report) {
    if (entry === null || typeof entry !== 'object') continue;
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      if (!Array.isArray(value)) continue;
      const list = rows[key] ?? [];
      for (const row of value) {
        if (row !== null && typeof row === 'object') list.push(row as LvmReportRow);
      }
      rows[key] = list;
    }
  }
  return rows;
}

/** A report string field (`""` when absent). */
export function field(row: LvmReportRow, name: string): string {
  const v = row[name];
  return v === undefined || v === null ? '' : String(v);
}

/**
 * A size field printed with `--units b --nosuffix` (e.g. `"1073741824"`; a trailing `B` is
 * accepted too), as a number of bytes. Throws LVM_ERROR if it is not a whole number.
 */
export function bytesField(row: LvmReportRow, name: string): number {
  const raw = field(row, name).trim().replace(/B$/i, '');
  const n = Number(raw);
  if (raw === '' || !Number.isSafeInteger(n) || n < 0) {
    throw new StorageError('LVM_ERROR', `LVM report field ${name} is not a byte count: "${raw}"`, {
      row,
    });
  }
  return n;
}

/** lv_attr[4] === 'a': active. */
export function attrActive(attr: string): boolean {
  return attr[4] === 'a';
}

/** lv_attr[5] === 'o': the device is open. */
export function attrOpen(attr: string): boolean {
  return attr[5] === 'o';
}
