/**
 * The api's storage name schemas (what the web validates with) and @xendeck/storage's validators
 * (what the server runs before any command) give the same answer for every name here: the rule
 * is stated in two places only because the web cannot import the storage package.
 */
import { imageFileNameSchema, lvNameSchema, vgNameSchema } from '@xendeck/api';
import { validateImageFileName, validateLvName, validateVgName } from '@xendeck/storage';
import { describe, expect, it } from 'vitest';

const NAMES = [
  'vg0',
  'web-01',
  'a',
  '+x',
  '_x',
  '.x',
  '-x',
  '.',
  '..',
  '...',
  'a.b_c+d-e',
  'x'.repeat(127),
  'x'.repeat(128),
  'x'.repeat(255),
  'x'.repeat(256),
  '',
  'a b',
  'a/b',
  'é',
  'snapshot',
  'snapshots-of-x',
  'mysnapshot',
  'pvmove0',
  'data_rimage_0',
  'x_tdata',
  'x_tmeta',
  'x_cdata',
  'x_vorigin',
  'a,b',
  'a=b',
  'disk.img',
  'win10.qcow2',
];

function accepts(fn: (n: string) => unknown, n: string): boolean {
  try {
    fn(n);
    return true;
  } catch {
    return false;
  }
}

describe('api storage name schemas = @xendeck/storage validators', () => {
  it.each(NAMES)('%j', (name) => {
    expect(vgNameSchema.safeParse(name).success).toBe(accepts(validateVgName, name));
    expect(lvNameSchema.safeParse(name).success).toBe(accepts(validateLvName, name));
    expect(imageFileNameSchema.safeParse(name).success).toBe(accepts(validateImageFileName, name));
  });
  it('the corpus has names each rule accepts and refuses', () => {
    for (const schema of [vgNameSchema, lvNameSchema, imageFileNameSchema]) {
      const results = NAMES.map((n) => schema.safeParse(n).success);
      expect(results).toContain(true);
      expect(results).toContain(false);
    }
  });
});
