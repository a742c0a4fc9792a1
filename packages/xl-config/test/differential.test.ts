// Differential tests: the package against the real libxlutil (via test/harness/xlu-harness.c) on the
// fixtures and on generated configs. Accept/reject, every value, and xlu_cfg_get_long's reading
// of every atom must agree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LIST_DEPTH, parseXlConfig, xlStrtol } from '../src/index.js';
import { fixtureTexts } from './fixtures.js';
import { mutatedConfigText, xlConfigText } from './generators.js';
import { decodeValue, runHarness } from './harness/harness.mjs';

const harness = process.env.XLU_HARNESS;
const skipReason = process.env.XLU_HARNESS_SKIP;
if (!harness) console.warn(`[xl-config] differential tests skipped: ${skipReason ?? 'no harness'}`);

interface Disagreement {
  text: string;
  problem: string;
}

/** Compares the package with libxlutil on every text; returns the disagreements. */
function compare(texts: string[]): { disagreements: Disagreement[]; accepted: number } {
  const results = runHarness(harness as string, 'cfg', texts);
  const disagreements: Disagreement[] = [];
  let accepted = 0;
  texts.forEach((text, i) => {
    const xl = results[i];
    const doc = parseXlConfig(text);
    const ours = doc.errors.length === 0;
    if (ours !== (xl.rc === 0)) {
      disagreements.push({
        text,
        problem: `libxlutil rc=${xl.rc} (${Buffer.from(xl.report, 'hex').toString()}) but package errors=${JSON.stringify(doc.errors)}`,
      });
      return;
    }
    if (!ours) return;
    accepted++;
    const xlKeys = Object.keys(xl.settings).sort();
    const ourKeys = doc.keys().sort();
    if (JSON.stringify(xlKeys) !== JSON.stringify(ourKeys)) {
      disagreements.push({ text, problem: `keys: libxlutil ${xlKeys} vs package ${ourKeys}` });
      return;
    }
    for (const k of xlKeys) {
      const want = decodeValue(xl.settings[k].v);
      const got = doc.get(k);
      if (JSON.stringify(want) !== JSON.stringify(got)) {
        disagreements.push({
          text,
          problem: `${k}: libxlutil ${JSON.stringify(want)} vs package ${JSON.stringify(got)}`,
        });
        continue;
      }
      const long = xl.settings[k].long as [number, string] | undefined;
      if (long && typeof got === 'string') {
        const setting = doc.getSetting(k);
        const mine = setting?.op === '+=' ? { rc: 22 } : xlStrtol(got);
        const mineOut: [number, string] =
          mine.rc === 0 && 'value' in mine ? [0, String(mine.value)] : [mine.rc, '0'];
        if (JSON.stringify(mineOut) !== JSON.stringify(long))
          disagreements.push({
            text,
            problem: `${k} as long: libxlutil ${long} vs package ${mineOut}`,
          });
      }
    }
  });
  return { disagreements, accepted };
}

const show = (d: Disagreement[]) =>
  d
    .slice(0, 5)
    .map((x) => `${JSON.stringify(x.text)}\n  ${x.problem}`)
    .join('\n');

describe.skipIf(!harness)('differential: package vs libxlutil', () => {
  it('agrees on every fixture (Xen examples and grammar corners)', () => {
    const { disagreements, accepted } = compare(fixtureTexts.map((f) => f.text));
    expect(show(disagreements)).toBe('');
    expect(accepted).toBeGreaterThan(20);
  });

  it('libxlutil accepts lists nested MAX_LIST_DEPTH deep in every layout, so the depth limit refuses nothing xl reads', () => {
    const d = MAX_LIST_DEPTH;
    const layouts = [
      `a = ${'['.repeat(d)}${']'.repeat(d)}\n`,
      `a = ${'[1,'.repeat(d)}${']'.repeat(d)}\n`,
      `a = ${'[\n"x"\n,\n\n'.repeat(d)}${'\n]'.repeat(d)}\n`,
    ];
    const results = runHarness(harness as string, 'cfg', layouts);
    layouts.forEach((text, i) => {
      expect(results[i].rc, text.slice(0, 40)).toBe(0);
      expect(parseXlConfig(text).errors).toEqual([]);
    });
  });
  it('agrees on generated well-formed configs', () => {
    const seed = Number(process.env.XL_FC_SEED ?? Date.now() % 1e9);
    const texts = fc.sample(xlConfigText, {
      numRuns: Number(process.env.XL_FC_RUNS ?? 1500),
      seed,
    });
    const { disagreements, accepted } = compare(texts);
    expect(show(disagreements), `fast-check seed ${seed}`).toBe('');
    expect(accepted).toBeGreaterThan(texts.length / 2);
  });

  it('agrees on generated configs with one random mutation', () => {
    const seed = Number(process.env.XL_FC_SEED ?? Date.now() % 1e9);
    const texts = fc.sample(mutatedConfigText, {
      numRuns: Number(process.env.XL_FC_RUNS ?? 2500),
      seed,
    });
    const { disagreements, accepted } = compare(texts);
    expect(show(disagreements), `fast-check seed ${seed}`).toBe('');
    // both outcomes are exercised
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(texts.length - 100);
  });
});
