import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_LIST_DEPTH,
  parseXlConfig,
  parseXlConfigOrThrow,
  XlConfigError,
} from '../src/index.js';
import { fixtureTexts } from './fixtures.js';
import { mutatedConfigText, xlConfigText } from './generators.js';

describe('parseXlConfig', () => {
  it('prints every fixture back byte for byte, accepted or not', () => {
    for (const f of fixtureTexts) expect(parseXlConfig(f.text).toString(), f.name).toBe(f.text);
  });
  it('prints any text back byte for byte (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(xlConfigText, mutatedConfigText, fc.string()),
        (t) => parseXlConfig(t).toString() === t,
      ),
      { numRuns: 500 },
    );
  });
  it('tokens cover the text with offsets', () => {
    const t = 'a = [ 1, "x" ] # c\n';
    const doc = parseXlConfig(t);
    expect(doc.tokens.map((k) => t.slice(k.start, k.end)).join('')).toBe(t);
    expect(doc.tokens.map((k) => k.kind)).toEqual([
      'ident',
      'blank',
      'assign',
      'blank',
      'lbracket',
      'blank',
      'number',
      'comma',
      'blank',
      'string',
      'blank',
      'rbracket',
      'blank',
      'comment',
      'newline',
    ]);
  });
  it('accepts ok-* fixtures and rejects bad-* fixtures', () => {
    for (const f of fixtureTexts) {
      const doc = parseXlConfig(f.text);
      if (f.name.includes('/bad-')) expect(doc.errors.length, f.name).toBeGreaterThan(0);
      else expect(doc.errors, f.name).toEqual([]);
    }
  });
  it('reports errors as data with stable codes and 1-based positions', () => {
    expect(parseXlConfig('name = "g"\r\n').errors[0]).toMatchObject({
      code: 'CRLF_LINE_ENDING',
      line: 1,
      column: 11,
    });
    expect(parseXlConfig('a = 1\ntype = hvm\n').errors[0]).toMatchObject({
      code: 'BARE_WORD',
      line: 2,
      column: 8,
    });
    expect(parseXlConfig('x = -1\n').errors[0]).toMatchObject({
      code: 'NEGATIVE_NUMBER',
      line: 1,
      column: 5,
    });
    expect(parseXlConfig('x = "abc\n').errors[0]).toMatchObject({
      code: 'UNTERMINATED_STRING',
      line: 1,
      column: 5,
    });
    expect(parseXlConfig('x = 1\n# end').errors[0]).toMatchObject({
      code: 'COMMENT_WITHOUT_NEWLINE',
      line: 2,
      column: 1,
    });
    expect(parseXlConfig('x = [1,\n2\n').errors[0]).toMatchObject({ code: 'UNTERMINATED_LIST' });
    expect(parseXlConfig('x = "a"\nx += [1]\n').errors[0]).toMatchObject({
      code: 'ADD_TYPE_MISMATCH',
      line: 2,
      key: 'x',
    });
    expect(parseXlConfig('x = "\\x41"\n').errors[0]).toMatchObject({
      code: 'INVALID_ESCAPE',
      column: 6,
    });
    expect(parseXlConfig('x = 1\nQ').warnings[0]).toMatchObject({
      code: 'IGNORED_FINAL_CHARACTER',
      line: 2,
    });
  });
  it('resolves duplicates and += as libxlutil does', () => {
    const doc = parseXlConfig('m = 1\nm = 2\ns = "a"\ns += "b"\nl = [1]\nl += [2]\nl += [[3]]\n');
    expect(doc.get('m')).toBe('2');
    expect(doc.get('s')).toBe('ab');
    expect(doc.get('l')).toEqual(['1', '2', ['3']]);
    expect(doc.getSetting('s')?.op).toBe('+=');
  });
  it('refuses lists nested deeper than MAX_LIST_DEPTH with a located LIST_TOO_DEEP error, not a stack overflow', () => {
    const ok = parseXlConfig(`a = ${'['.repeat(MAX_LIST_DEPTH)}"x"${']'.repeat(MAX_LIST_DEPTH)}\n`);
    expect(ok.errors).toEqual([]);
    let v = ok.get('a');
    for (let i = 0; i < MAX_LIST_DEPTH; i++) v = (v as unknown[])[0] as typeof v;
    expect(v).toBe('x');
    // 200 000 levels (the review's case): one error at the first [ too many, the rest still read.
    const deep = 200_000;
    const doc = parseXlConfig(`m = 1\na = ${'['.repeat(deep)}${']'.repeat(deep)}\nb = 2\n`);
    expect(doc.errors).toEqual([
      expect.objectContaining({
        code: 'LIST_TOO_DEEP',
        line: 2,
        column: 5 + MAX_LIST_DEPTH,
        key: 'a',
      }),
    ]);
    expect(doc.get('b')).toBe('2');
    expect(
      parseXlConfig(`a = ${'['.repeat(MAX_LIST_DEPTH + 1)}${']'.repeat(MAX_LIST_DEPTH + 1)}\n`)
        .errors[0]?.code,
    ).toBe('LIST_TOO_DEEP');
  });
  it('only the convenience wrapper throws', () => {
    expect(() => parseXlConfigOrThrow('type = hvm\n', '/etc/xen/a.cfg')).toThrow(XlConfigError);
    expect(() => parseXlConfigOrThrow('type = hvm\n', '/etc/xen/a.cfg')).toThrow(
      /\/etc\/xen\/a.cfg:1:8: bare word/,
    );
  });
});

describe('editing', () => {
  const text = `# Guest web1 — managed by hand since 2014
name = "web1"
memory = 1024   # MiB, raised 2019
#memory = 512
vcpus = 2; maxvcpus = 4

disk = [
    'phy:/dev/vg0/web1,xvda,w',   # root
]
vif = [ 'bridge=xenbr0' ]
`;
  it('set replaces only the value, keeping the comment on the line', () => {
    const doc = parseXlConfig(text);
    doc.set('memory', 2048);
    expect(doc.toString()).toBe(text.replace('memory = 1024   #', 'memory = 2048   #'));
    expect(doc.get('memory')).toBe('2048');
  });
  it('set writes strings quoted and lists bracketed, elsewhere untouched', () => {
    const doc = parseXlConfig(text);
    doc.set('vif', ['bridge=xenbr0', 'bridge=xenbr1,mac=00:16:3e:00:00:01']);
    expect(doc.toString()).toBe(
      text.replace(
        "vif = [ 'bridge=xenbr0' ]",
        "vif = [ 'bridge=xenbr0', 'bridge=xenbr1,mac=00:16:3e:00:00:01' ]",
      ),
    );
    doc.set('name', "o'brien");
    expect(doc.get('name')).toBe("o'brien");
    expect(doc.toString()).toContain('name = "o\'brien"');
  });
  it('set on a new key appends one line', () => {
    const doc = parseXlConfig(text);
    doc.set('on_crash', 'restart');
    expect(doc.toString()).toBe(`${text}on_crash = 'restart'\n`);
    const noNl = parseXlConfig('a = 1');
    noNl.set('b', 2);
    expect(noNl.toString()).toBe('a = 1\nb = 2\n');
  });
  it('set on a multi-line list replaces the list', () => {
    const doc = parseXlConfig(text);
    doc.set('disk', [
      'phy:/dev/vg0/web1,xvda,w',
      'phy:/dev/vg0/web1-data,xvdb,w',
      'file:/srv/iso/debian-12.iso,hdc:cdrom,r',
    ]);
    expect(doc.errors).toEqual([]);
    expect(doc.get('disk')).toHaveLength(3);
    expect(doc.toString().startsWith(text.slice(0, text.indexOf('disk = ')))).toBe(true);
    expect(doc.toString().endsWith("vif = [ 'bridge=xenbr0' ]\n")).toBe(true);
  });
  it('set on a += chain keeps one statement', () => {
    const doc = parseXlConfig('extra = "a"\n# keep\nextra += " b"\n');
    doc.set('extra', 'console=hvc0');
    expect(doc.toString()).toBe("extra = 'console=hvc0'\n# keep\n");
  });
  it('set writes negative numbers quoted so xl still reads them', () => {
    const doc = parseXlConfig('');
    doc.set('rtc_timeoffset', -3600);
    expect(doc.toString()).toBe("rtc_timeoffset = '-3600'\n");
    expect(doc.errors).toEqual([]);
  });
  it('delete removes the setting lines only', () => {
    const doc = parseXlConfig(text);
    expect(doc.delete('memory')).toBe(true);
    expect(doc.toString()).toBe(text.replace('memory = 1024   # MiB, raised 2019\n', ''));
    expect(doc.delete('nonexistent')).toBe(false);
  });
  it('delete cuts a statement sharing its line', () => {
    const a = parseXlConfig(text);
    a.delete('vcpus');
    expect(a.toString()).toContain('\nmaxvcpus = 4\n');
    const b = parseXlConfig(text);
    b.delete('maxvcpus');
    expect(b.toString()).toContain('\nvcpus = 2;\n');
    expect(b.errors).toEqual([]);
  });
  it('rejects invalid keys with a TypeError', () => {
    expect(() => parseXlConfig('').set('Memory', 1)).toThrow(/invalid xl config key "Memory"/);
  });
  it('set then get round-trips any value (property)', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string({
          unit: fc.constantFrom('a', ' ', "'", '"', '\\', '\n', '\t', 'é', '#', ',', ']'),
        }),
        fc.nat(),
        fc.array(tie('v'), { maxLength: 3 }),
      ),
    })).v;
    fc.assert(
      fc.property(xlConfigText, fc.constantFrom('memory', 'disk', 'newkey'), value, (t, k, v) => {
        const doc = parseXlConfig(t);
        fc.pre(doc.errors.length === 0);
        doc.set(k, v as never);
        const again = parseXlConfig(doc.toString());
        expect(again.errors).toEqual([]);
        const norm = (x: unknown): unknown =>
          typeof x === 'number' ? String(x) : Array.isArray(x) ? x.map(norm) : x;
        expect(again.get(k)).toEqual(norm(v));
        // other keys keep their values
        for (const other of parseXlConfig(t).keys())
          if (other !== k) expect(again.get(other)).toEqual(parseXlConfig(t).get(other));
      }),
      { numRuns: 300 },
    );
  });
});

describe('setListItem', () => {
  const text = `disk = [
    'phy:/dev/vg0/web1,xvda,w',   # root
    # the installer, until it is done
    'file:/srv/iso/debian-12.iso,hdc:cdrom,r',
]
vif = [ 'bridge=xenbr0' ]
`;
  it('replaces one item, keeping the other items and the comments around it', () => {
    const doc = parseXlConfig(text);
    doc.setListItem('disk', 1, 'vdev=hdc, devtype=cdrom');
    expect(doc.toString()).toBe(
      text.replace("'file:/srv/iso/debian-12.iso,hdc:cdrom,r'", "'vdev=hdc, devtype=cdrom'"),
    );
    expect(doc.get('disk')).toEqual(['phy:/dev/vg0/web1,xvda,w', 'vdev=hdc, devtype=cdrom']);
    expect(doc.errors).toEqual([]);
  });
  it('counts items as xl does across `=` and `+=` statements', () => {
    const doc = parseXlConfig("disk = [ 'old' ]\ndisk = [ 'a' ] # first\ndisk += [ 'b', 'c' ]\n");
    doc.setListItem('disk', 2, 'C');
    expect(doc.toString()).toBe("disk = [ 'old' ]\ndisk = [ 'a' ] # first\ndisk += [ 'b', 'C' ]\n");
    doc.setListItem('disk', 0, 'A');
    expect(doc.get('disk')).toEqual(['A', 'b', 'C']);
    expect(doc.toString().startsWith("disk = [ 'old' ]\n")).toBe(true);
  });
  it('refuses a key without a list and an index outside the list', () => {
    const doc = parseXlConfig(text);
    expect(() => doc.setListItem('disk', 2, 'x')).toThrow(RangeError);
    expect(() => doc.setListItem('disk', -1, 'x')).toThrow(/no item -1/);
    expect(() => doc.setListItem('name', 0, 'x')).toThrow(/not set to a list/);
    expect(() => parseXlConfig('name = "a"\n').setListItem('name', 0, 'x')).toThrow(RangeError);
    expect(doc.toString()).toBe(text);
  });
});
