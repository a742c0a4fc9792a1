/**
 * The image's cache key: a hash of the lab's recipe (every file under `lab/recipe/`, with
 * {@link RECIPE_FORMAT}), so any change to what goes into the image builds a new one.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Bump when `src/build.ts` changes what goes into the image (the build code itself is not hashed,
 * so refactoring it does not cost a rebuild).
 */
export const RECIPE_FORMAT = 1;

export interface RecipeFile {
  /** Path relative to the lab directory, with `/` separators. */
  path: string;
  content: Buffer;
}

/**
 * Hashes recipe files: sorted by path, each contributes its path, its length and its bytes, so
 * renaming, moving or editing any file changes the key. Returns 16 hex digits of SHA-256.
 */
export function recipeKey(files: readonly RecipeFile[], format = RECIPE_FORMAT): string {
  const h = createHash('sha256');
  h.update(`xendeck-lab-recipe/${format}\n`);
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) {
    h.update(`${f.path}\0${f.content.length}\0`);
    h.update(f.content);
  }
  return h.digest('hex').slice(0, 16);
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile()) out.push(p);
  }
}

/**
 * Directories under `recipe/` that are not part of the dom0 image (keyed separately):
 * `installer/` is the lab installer ISO's recipe (`src/installer.ts`).
 */
export const NOT_IN_IMAGE = ['recipe/installer/'] as const;

/**
 * Reads recipe files of the lab at `labDir`: every file under `sub` (default `recipe`, the dom0
 * image's recipe, without {@link NOT_IN_IMAGE}; `recipe/installer` for the installer's).
 */
export function readRecipe(labDir: string, sub = 'recipe'): RecipeFile[] {
  const paths: string[] = [];
  walk(join(labDir, sub), paths);
  const skip = sub === 'recipe' ? NOT_IN_IMAGE : [];
  return paths
    .map((p) => relative(labDir, p).split('\\').join('/'))
    .filter((rel) => !skip.some((d) => rel.startsWith(d)))
    .map((rel) => ({
      path: rel,
      content: readFileSync(join(labDir, rel)),
    }));
}
