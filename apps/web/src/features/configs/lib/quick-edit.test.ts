import { describe, expect, it } from 'vitest';
import { applyQuickEdit } from './quick-edit';

const ORIGINAL = `# web1: customer 4711
name   = "web1"
type="pvh"

# memory was 96 until the upgrade
memory = 128   # MiB
#maxmem = 512
vcpus = 1
vif = [ 'bridge=xenbr0' ] # public
`;

const changedLines = (a: string, b: string) => {
  const al = a.split('\n');
  const bl = b.split('\n');
  expect(bl.length).toBe(al.length);
  return bl.map((line, i) => (line === al[i] ? -1 : i)).filter((i) => i >= 0);
};

describe('applyQuickEdit', () => {
  it('changes only the memory line, keeping its comment', () => {
    const out = applyQuickEdit(ORIGINAL, { memoryMiB: 2048 });
    const changed = changedLines(ORIGINAL, out);
    expect(changed).toEqual([5]);
    expect(out.split('\n')[5]).toBe('memory = 2048   # MiB');
  });

  it('changes only the vcpus line', () => {
    const out = applyQuickEdit(ORIGINAL, { vcpus: 4 });
    expect(changedLines(ORIGINAL, out)).toEqual([7]);
    expect(out.split('\n')[7]).toBe('vcpus = 4');
  });

  it('appends a line for a key the file lacks', () => {
    const out = applyQuickEdit('name = "a"\n', { vcpus: 2 });
    expect(out.startsWith('name = "a"\n')).toBe(true);
    expect(out).toMatch(/\nvcpus = 2\n?$/);
  });

  it('refuses a file with syntax errors', () => {
    expect(() => applyQuickEdit('type = hvm\n', { memoryMiB: 512 })).toThrow(/line 1/);
  });
});
