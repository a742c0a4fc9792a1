/**
 * Quick edit of memory and vCPUs on the lossless document: only the lines of those settings change;
 * every comment, blank line and other byte stays as it was.
 */
import { parseXlConfig } from '@xendeck/xl-config';

export interface QuickEdit {
  /** New `memory`, MiB (xl.cfg: memory at boot, the balloon target). */
  memoryMiB?: number;
  /** New `vcpus` (vCPUs online at boot). */
  vcpus?: number;
}

/**
 * Returns `text` with `memory` and/or `vcpus` set (`XlDocument.set`, which replaces only the
 * value, keeping a trailing comment; a key not in the file is appended as one new line).
 * @throws Error when the text has syntax errors (editing a file xl cannot read would guess).
 */
export function applyQuickEdit(text: string, edit: QuickEdit): string {
  const doc = parseXlConfig(text);
  const first = doc.errors[0];
  if (first) {
    throw new Error(
      `the file has syntax errors (line ${first.line}, column ${first.column}: ${first.message}); fix them in Edit first`,
    );
  }
  if (edit.memoryMiB !== undefined) doc.set('memory', edit.memoryMiB);
  if (edit.vcpus !== undefined) doc.set('vcpus', edit.vcpus);
  return doc.toString();
}
