import { describe, expect, it } from 'vitest';
import { LAB_DIR } from '../src/paths.js';
import { readRecipe, recipeKey } from '../src/recipe.js';

const f = (path: string, text: string) => ({ path, content: Buffer.from(text) });

describe('recipeKey', () => {
  const base = [f('recipe/a.sh', 'echo a\n'), f('recipe/b.txt', 'b\n')];

  it('is 16 hex digits and independent of file order', () => {
    const k = recipeKey(base);
    expect(k).toMatch(/^[0-9a-f]{16}$/);
    expect(recipeKey([...base].reverse())).toBe(k);
  });

  it('changes when a file is edited, renamed, added, or the format is bumped', () => {
    const k = recipeKey(base);
    const b = f('recipe/b.txt', 'b\n');
    expect(recipeKey([f('recipe/a.sh', 'echo A\n'), b])).not.toBe(k);
    expect(recipeKey([f('recipe/c.sh', 'echo a\n'), b])).not.toBe(k);
    expect(recipeKey([...base, f('recipe/new', '')])).not.toBe(k);
    expect(recipeKey(base, 999)).not.toBe(k);
  });

  it('does not confuse content moved across the path/content boundary', () => {
    expect(recipeKey([f('recipe/ab', 'c')])).not.toBe(recipeKey([f('recipe/a', 'bc')]));
  });
});

describe('readRecipe', () => {
  it('reads the real recipe directory', () => {
    const files = readRecipe(LAB_DIR).map((x) => x.path);
    expect(files).toContain('recipe/chroot-setup.sh');
    expect(files).toContain('recipe/packages.txt');
    expect(files).toContain('recipe/rootfs/etc/xen/xdtest-pv.cfg');
    expect(files.every((p) => p.startsWith('recipe/'))).toBe(true);
  });
});
