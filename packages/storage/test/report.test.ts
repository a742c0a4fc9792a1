import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStorageError } from '../src/errors.js';
import { attrActive, attrOpen, parseLvmReport, stripTrailingCommas } from '../src/report.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('stripTrailingCommas', () => {
  it('removes commas before } and ] (with whitespace between) outside strings', () => {
    expect(stripTrailingCommas('{"a":"1", }')).toBe('{"a":"1" }');
    expect(stripTrailingCommas('[1,2,\n  ]')).toBe('[1,2\n  ]');
    expect(stripTrailingCommas('{"a":[1,],"b":{"c":2,},}')).toBe('{"a":[1],"b":{"c":2}}');
  });

  it('keeps ",}" and ",]" inside strings, escaped quotes included', () => {
    const text = '{"v":"x,}y,]z", "w":"q\\",}", }';
    expect(stripTrailingCommas(text)).toBe('{"v":"x,}y,]z", "w":"q\\",}" }');
    expect(JSON.parse(stripTrailingCommas(text))).toEqual({ v: 'x,}y,]z', w: 'q",}' });
  });

  it('leaves valid JSON unchanged', () => {
    const text = '{"report":[{"lv":[{"a":"1","b":"2"}]}]}';
    expect(stripTrailingCommas(text)).toBe(text);
  });
});

describe('parseLvmReport', () => {
  it('reads lvm2 2.03.16 output with trailing commas (which JSON.parse rejects)', () => {
    const text = fixture('lvs-2.03.16.txt');
    expect(() => JSON.parse(text)).toThrow();
    const { lv } = parseLvmReport(text);
    expect(lv).toHaveLength(3);
    expect(lv?.[0]).toEqual({
      lv_name: 'guest1',
      vg_name: 'vg0',
      lv_size: '1073741824',
      lv_attr: 'owi-aos---',
      origin: '',
      lv_tags: 'xendeck,owner=web1',
    });
    expect(lv?.[1]?.origin).toBe('guest1');
    expect(lv?.[2]?.lv_tags).toBe('x,}y,]z');
  });

  it('merges the entries of the report array and ignores the log', () => {
    const text =
      '{"report":[{"vg":[{"vg_name":"a"}]},{"vg":[{"vg_name":"b"}],"pv":[]}],"log":[{"log_seq_num":"1"}]}';
    expect(parseLvmReport(text)).toEqual({ vg: [{ vg_name: 'a' }, { vg_name: 'b' }], pv: [] });
  });

  it('throws LVM_ERROR with the text for something that is not a report', () => {
    for (const text of ['', 'WARNING: something', '{"x":1}', '{"report":{}}']) {
      try {
        parseLvmReport(text);
        expect.unreachable(`accepted ${JSON.stringify(text)}`);
      } catch (e) {
        expect(isStorageError(e) && e.code).toBe('LVM_ERROR');
        expect(isStorageError(e) && e.details.text).toBe(text);
      }
    }
  });
});

describe('lv_attr positions', () => {
  it('reads active from [4] and open from [5]', () => {
    expect([attrActive('-wi-ao----'), attrOpen('-wi-ao----')]).toEqual([true, true]);
    expect([attrActive('-wi-a-----'), attrOpen('-wi-a-----')]).toEqual([true, false]);
    expect([attrActive('-wi-------'), attrOpen('-wi-------')]).toEqual([false, false]);
    expect(attrOpen('')).toBe(false);
  });
});
