import { describe, expect, it } from 'vitest';
import { diagnosticRange, lineColumnToOffset, xlLintSource } from './xl-lint';

describe('lineColumnToOffset', () => {
  it('maps 1-based line/column to a 0-based offset, lines split at \\n only', () => {
    const text = 'ab\ncd\r\nef';
    expect(lineColumnToOffset(text, 1, 1)).toBe(0);
    expect(lineColumnToOffset(text, 2, 2)).toBe(4);
    expect(lineColumnToOffset(text, 3, 1)).toBe(7);
    expect(lineColumnToOffset(text, 2, 99)).toBe(6); // clamped to the end of line 2 (before \n)
    expect(lineColumnToOffset(text, 9, 1)).toBe(text.length);
  });
});

describe('xlLintSource', () => {
  it('puts a syntax error on the offending word', () => {
    const text = 'name = "a"\ntype = hvm\n';
    const [d] = xlLintSource(text);
    expect(d).toMatchObject({ severity: 'error', source: 'BARE_WORD' });
    expect(text.slice(d?.from, d?.to)).toBe('hvm');
  });

  it('puts an upper-case number character where it is', () => {
    const text = 'vcpus = 0x1F\n';
    const [d] = xlLintSource(text);
    expect(d?.severity).toBe('error');
    expect(d?.from).toBe(text.indexOf('F'));
  });

  it('covers a semantic diagnostic’s statement to the end of its line', () => {
    const text = '# c\nmemory = 512\nmaxmem = 256 # too small\n';
    const diags = xlLintSource(text);
    const conflict = diags.find((d) => d.source === 'CONFLICTING_SETTINGS');
    expect(conflict?.severity).toBe('error');
    const covered = text.slice(conflict?.from, conflict?.to);
    expect(['memory = 512', 'maxmem = 256 # too small']).toContain(covered);
  });

  it('reports warnings as warnings', () => {
    const text = 'memroy = 512\n';
    const d = xlLintSource(text).find((x) => x.source === 'UNKNOWN_KEY');
    expect(d?.severity).toBe('warning');
    expect(text.slice(d?.from, d?.to)).toBe('memroy = 512');
  });

  it('gives no diagnostics for a clean file', () => {
    expect(xlLintSource('name = "a"\ntype = "pvh"\nkernel = "/k"\nmemory = 512\n')).toEqual([]);
  });
});

describe('diagnosticRange', () => {
  it('uses line/column when a diagnostic (from the server) has no offset', () => {
    const text = 'a = 1\nb = oops\n';
    const r = diagnosticRange(text, { code: 'BARE_WORD', message: 'm', line: 2, column: 5 });
    expect(text.slice(r.from, r.to)).toBe('oops');
  });
});
