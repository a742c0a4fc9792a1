import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, 'fixtures');
/** Every config fixture: Xen's examples (xen/) and the grammar corners (grammar/ok-*, grammar/bad-*). */
export const fixtureTexts = ['grammar', 'xen'].flatMap((d) =>
  readdirSync(join(dir, d))
    .filter((f) => !f.endsWith('.md'))
    .map((f) => ({ name: `${d}/${f}`, text: readFileSync(join(dir, d, f), 'utf8') })),
);
