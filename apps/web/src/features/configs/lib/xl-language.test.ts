import { describe, expect, it } from 'vitest';
import { tokenizeXlForHighlight, type XlToken } from './xl-language';

const kinds = (text: string) =>
  tokenizeXlForHighlight(text)
    .filter((t) => t.type !== null)
    .map((t) => [t.text, t.type] as const);

describe('xl highlighter', () => {
  it('tokenizes comments, keys, operators, strings, numbers, brackets, separators', () => {
    expect(kinds('# a comment\nmemory = 0x400 # MiB\n')).toEqual([
      ['# a comment', 'lineComment'],
      ['memory', 'propertyName'],
      ['=', 'definitionOperator'],
      ['0x400', 'number'],
      ['# MiB', 'lineComment'],
    ]);
    expect(kinds(`extra += 'quiet'; vif = [ "bridge=xenbr0", 'mac=00:16:3e:00:00:01' ]`)).toEqual([
      ['extra', 'propertyName'],
      ['+=', 'definitionOperator'],
      ["'quiet'", 'string'],
      [';', 'punctuation'],
      ['vif', 'propertyName'],
      ['=', 'definitionOperator'],
      ['[', 'squareBracket'],
      ['"bridge=xenbr0"', 'string'],
      [',', 'separator'],
      ["'mac=00:16:3e:00:00:01'", 'string'],
      [']', 'squareBracket'],
    ]);
  });

  it('marks escapes inside strings, and invalid ones', () => {
    expect(kinds(String.raw`extra = "a\"b\x41"`)).toEqual([
      ['extra', 'propertyName'],
      ['=', 'definitionOperator'],
      ['"a', 'string'],
      ['\\"', 'escape'],
      ['b', 'string'],
      ['\\x', 'invalid'],
      ['41"', 'string'],
    ]);
  });

  it('flags bare words, unterminated strings and stray characters as invalid', () => {
    const tokens = kinds('type = hvm\nname = "web\nvcpus = -1\n');
    expect(tokens).toContainEqual(['hvm', 'invalid']);
    expect(tokens).toContainEqual(['"web', 'invalid']);
    expect(tokens).toContainEqual(['-', 'invalid']);
    // After the broken line, the next statement starts with a key again.
    expect(tokens).toContainEqual(['vcpus', 'propertyName']);
  });

  it('keeps list items across lines as values, not keys', () => {
    const tokens = tokenizeXlForHighlight(
      "disk = [\n  'phy:/dev/vg0/a,xvda,w',\n  # c\n]\nvcpus = 2\n",
    );
    const byText = (t: string): XlToken | undefined => tokens.find((x) => x.text === t);
    expect(byText("'phy:/dev/vg0/a,xvda,w'")).toMatchObject({ line: 1, type: 'string' });
    expect(byText('# c')).toMatchObject({ line: 2, type: 'lineComment' });
    expect(byText(']')).toMatchObject({ line: 3, type: 'squareBracket' });
    expect(byText('vcpus')).toMatchObject({ line: 4, type: 'propertyName' });
  });

  it('covers every character of the input', () => {
    const text = "name='a' # x\n\nmemory=512;vcpus=1\nF\n";
    const joined = tokenizeXlForHighlight(text)
      .reduce<string[]>((lines, t) => {
        lines[t.line] = (lines[t.line] ?? '') + t.text;
        return lines;
      }, [])
      .map((l) => l ?? '');
    expect(joined.join('\n')).toBe(text.slice(0, -1));
  });
});
