import { describe, expect, it, vi } from 'vitest';
import {
  charKeysym,
  comboEvents,
  functionKey,
  KEYS,
  keystrokeEvents,
  SEND_KEY_COMBOS,
  textToKeystrokes,
  typeKeystrokes,
} from './keysyms';

const SHIFT = 0xffe1;

describe('textToKeystrokes (US layout)', () => {
  it('lower case letters are their key; upper case adds Shift on the same key', () => {
    expect(textToKeystrokes('aZ')).toEqual([
      { char: 'a', keysym: 0x61, code: 'KeyA', shift: false },
      { char: 'Z', keysym: 0x5a, code: 'KeyZ', shift: true },
    ]);
  });

  it('symbols: shifted ones hold Shift on the digit or punctuation key', () => {
    const strokes = textToKeystrokes('1!@-_ "?\\|~');
    expect(strokes.map((s) => [s.char, s.keysym, s.code, s.shift])).toEqual([
      ['1', 0x31, 'Digit1', false],
      ['!', 0x21, 'Digit1', true],
      ['@', 0x40, 'Digit2', true],
      ['-', 0x2d, 'Minus', false],
      ['_', 0x5f, 'Minus', true],
      [' ', 0x20, 'Space', false],
      ['"', 0x22, 'Quote', true],
      ['?', 0x3f, 'Slash', true],
      ['\\', 0x5c, 'Backslash', false],
      ['|', 0x7c, 'Backslash', true],
      ['~', 0x7e, 'Backquote', true],
    ]);
  });

  it('newlines (\\n, \\r\\n, \\r) are one Enter each; tab is Tab; other control characters are dropped', () => {
    const strokes = textToKeystrokes('a\nb\r\nc\rd\te\x07');
    expect(strokes.map((s) => s.char)).toEqual(['a', '\n', 'b', '\n', 'c', '\n', 'd', '\t', 'e']);
    expect(strokes[1]).toEqual({ char: '\n', keysym: 0xff0d, code: 'Enter', shift: false });
    expect(strokes[7]).toEqual({ char: '\t', keysym: 0xff09, code: 'Tab', shift: false });
  });

  it('characters off the US layout keep their keysym and have no physical key', () => {
    expect(textToKeystrokes('é€')).toEqual([
      { char: 'é', keysym: 0xe9, code: null, shift: false },
      { char: '€', keysym: 0x010020ac, code: null, shift: false },
    ]);
    expect(charKeysym('😀')).toBe(0x0101f600);
  });
});

describe('key events', () => {
  it('a shifted keystroke is Shift down, key down, key up, Shift up', () => {
    const [stroke] = textToKeystrokes('Q');
    if (!stroke) throw new Error('no stroke');
    expect(keystrokeEvents(stroke)).toEqual([
      { keysym: SHIFT, code: 'ShiftLeft', down: true },
      { keysym: 0x51, code: 'KeyQ', down: true },
      { keysym: 0x51, code: 'KeyQ', down: false },
      { keysym: SHIFT, code: 'ShiftLeft', down: false },
    ]);
  });

  it('send-keys combos press in order and release in reverse', () => {
    const f2 = SEND_KEY_COMBOS.find((c) => c.label === 'Ctrl-Alt-F2');
    if (!f2) throw new Error('no Ctrl-Alt-F2');
    expect(comboEvents(f2.keys).map((e) => [e.keysym, e.down])).toEqual([
      [0xffe3, true],
      [0xffe9, true],
      [0xffbf, true],
      [0xffbf, false],
      [0xffe9, false],
      [0xffe3, false],
    ]);
    expect(SEND_KEY_COMBOS.map((c) => c.label)).toEqual([
      ...Array.from({ length: 12 }, (_, i) => `Ctrl-Alt-F${i + 1}`),
      'Ctrl-Alt-Backspace',
      'Esc',
      'Tab',
    ]);
    const bs = SEND_KEY_COMBOS.find((c) => c.label === 'Ctrl-Alt-Backspace');
    expect(bs?.keys.at(-1)).toEqual({ keysym: 0xff08, code: 'Backspace' });
    expect(functionKey(12)).toEqual({ keysym: 0xffc9, code: 'F12' });
    expect(() => functionKey(13)).toThrow(RangeError);
    expect(KEYS.win.keysym).toBe(0xffeb);
  });
});

describe('typeKeystrokes', () => {
  it('sends every character with progress, waiting the delay between characters', async () => {
    vi.useFakeTimers();
    try {
      const sent: [number, string | null, boolean][] = [];
      const progress: number[] = [];
      const run = typeKeystrokes(textToKeystrokes('Hi\n'), (k, c, d) => sent.push([k, c, d]), {
        delayMs: 50,
        onProgress: (done) => progress.push(done),
      });
      expect(progress).toEqual([1]);
      await vi.advanceTimersByTimeAsync(49);
      expect(progress).toEqual([1]);
      await vi.advanceTimersByTimeAsync(101);
      await expect(run).resolves.toBe(3);
      expect(progress).toEqual([1, 2, 3]);
      expect(sent).toEqual([
        [SHIFT, 'ShiftLeft', true],
        [0x48, 'KeyH', true],
        [0x48, 'KeyH', false],
        [SHIFT, 'ShiftLeft', false],
        [0x69, 'KeyI', true],
        [0x69, 'KeyI', false],
        [0xff0d, 'Enter', true],
        [0xff0d, 'Enter', false],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops before the next character when aborted', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const send = vi.fn();
      const run = typeKeystrokes(textToKeystrokes('abcdef'), send, {
        delayMs: 100,
        signal: controller.signal,
      });
      await vi.advanceTimersByTimeAsync(250);
      controller.abort();
      await expect(run).resolves.toBe(3);
      expect(send).toHaveBeenCalledTimes(6);
    } finally {
      vi.useRealTimers();
    }
  });
});
