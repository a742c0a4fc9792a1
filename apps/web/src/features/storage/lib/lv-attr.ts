/**
 * lv_attr (the 10 characters `lvs` prints, e.g. `-wi-ao----`) in words, for the volumes table.
 * Positions and letters from lvs(8) "lv_attr bits" (lvm2 2.03); a letter not listed is shown as
 * `<position name> "<letter>"` so nothing is hidden.
 */

const TYPE: Record<string, string> = {
  '-': 'plain',
  C: 'cache',
  m: 'mirrored',
  M: 'mirrored (not synced)',
  o: 'snapshot origin',
  O: 'origin (merging snapshot)',
  r: 'RAID',
  R: 'RAID (not synced)',
  s: 'snapshot',
  S: 'merging snapshot',
  p: 'pvmove',
  v: 'virtual',
  i: 'mirror/RAID image',
  I: 'mirror/RAID image (out of sync)',
  l: 'mirror log',
  c: 'under conversion',
  V: 'thin volume',
  t: 'thin pool',
  T: 'thin pool data',
  d: 'VDO pool',
  D: 'VDO pool data',
  e: 'metadata',
};
const PERMISSION: Record<string, string> = {
  w: 'writable',
  r: 'read-only',
  R: 'read-only activation',
};
const STATE: Record<string, string> = {
  '-': 'inactive',
  a: 'active',
  h: 'historical',
  s: 'suspended',
  I: 'invalid snapshot',
  S: 'invalid suspended snapshot',
  m: 'snapshot merge failed',
  M: 'suspended snapshot merge failed',
  d: 'device without tables',
  i: 'inactive table',
  c: 'thin pool check needed',
  C: 'suspended thin pool check needed',
  X: 'state unknown',
};
const HEALTH: Record<string, string> = {
  p: 'partial',
  r: 'refresh needed',
  m: 'mismatches',
  w: 'write-mostly',
  X: 'health unknown',
  F: 'failed',
  D: 'out of data space',
  M: 'metadata read-only',
};

/** The words for `attr`: type, permission, state, then only the flags that are set. */
export function describeLvAttr(attr: string): string[] {
  const at = (i: number) => attr[i] ?? '-';
  const word = (table: Record<string, string>, i: number, what: string) =>
    table[at(i)] ?? `${what} "${at(i)}"`;
  const words = [word(TYPE, 0, 'type'), word(PERMISSION, 1, 'permission'), word(STATE, 4, 'state')];
  if (at(5) === 'o') words.push('open');
  else if (at(5) === 'X') words.push('open: unknown');
  if (at(3) === 'm') words.push('fixed minor');
  if (at(7) === 'z') words.push('zeroes new blocks');
  if (at(8) !== '-') words.push(word(HEALTH, 8, 'health'));
  if (at(9) === 'k') words.push('skips activation');
  return words;
}
