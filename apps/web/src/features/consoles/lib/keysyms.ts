/**
 * Keys for the VNC console, written once: X11 keysyms (X11/keysymdef.h, what RFB KeyEvent carries)
 * with the physical key (`KeyboardEvent.code`, from which noVNC sends QEMU's extended key event
 * with the XT scancode), the send-keys menu's combinations, and the mapping of text to keystrokes
 * for **Type text** (a US keyboard layout, as QEMU's default `-k en-us`).
 */

/** One key: its X11 keysym and its physical key (null when no US-layout key types it). */
export interface Key {
  keysym: number;
  code: string | null;
}

/** One press/release sent with `RFB.sendKey(keysym, code, down)`. */
export interface KeyEventSpec extends Key {
  down: boolean;
}

/** Named keys (keysymdef.h `XK_*` values). */
export const KEYS = {
  shift: { keysym: 0xffe1, code: 'ShiftLeft' },
  ctrl: { keysym: 0xffe3, code: 'ControlLeft' },
  alt: { keysym: 0xffe9, code: 'AltLeft' },
  /** Super_L: the Windows key. */
  win: { keysym: 0xffeb, code: 'MetaLeft' },
  enter: { keysym: 0xff0d, code: 'Enter' },
  tab: { keysym: 0xff09, code: 'Tab' },
  escape: { keysym: 0xff1b, code: 'Escape' },
  backspace: { keysym: 0xff08, code: 'Backspace' },
  delete: { keysym: 0xffff, code: 'Delete' },
} as const satisfies Record<string, Key>;

/** F1 … F12: XK_F1 = 0xffbe, consecutive. */
export function functionKey(n: number): Key {
  if (!Number.isInteger(n) || n < 1 || n > 12) throw new RangeError(`no key F${n}`);
  return { keysym: 0xffbe + n - 1, code: `F${n}` };
}

/** The modifiers the send-keys menu can hold down ("sticky" until released). */
export type StickyModifier = 'ctrl' | 'alt' | 'win';

/** One entry of the send-keys menu: a label and the keys pressed together, in order. */
export interface KeyCombo {
  label: string;
  keys: readonly Key[];
}

/** The send-keys menu: Ctrl-Alt-F1 … F12 (switch virtual terminal), Ctrl-Alt-Backspace, Esc, Tab. */
export const SEND_KEY_COMBOS: readonly KeyCombo[] = [
  ...Array.from({ length: 12 }, (_, i) => ({
    label: `Ctrl-Alt-F${i + 1}`,
    keys: [KEYS.ctrl, KEYS.alt, functionKey(i + 1)],
  })),
  { label: 'Ctrl-Alt-Backspace', keys: [KEYS.ctrl, KEYS.alt, KEYS.backspace] },
  { label: 'Esc', keys: [KEYS.escape] },
  { label: 'Tab', keys: [KEYS.tab] },
];

/** The events of pressing `keys` together: each pressed in order, then released in reverse. */
export function comboEvents(keys: readonly Key[]): KeyEventSpec[] {
  return [
    ...keys.map((k) => ({ ...k, down: true })),
    ...[...keys].reverse().map((k) => ({ ...k, down: false })),
  ];
}

/** One character of Type text: its key, and whether Shift must be held for it. */
export interface Keystroke extends Key {
  char: string;
  shift: boolean;
}

/** US layout: the key of each printable ASCII symbol, unshifted and shifted. */
const US_SYMBOL_KEYS: Record<string, [code: string, shift: boolean]> = {};
for (const [code, plain, shifted] of [
  ['Backquote', '`', '~'],
  ['Digit1', '1', '!'],
  ['Digit2', '2', '@'],
  ['Digit3', '3', '#'],
  ['Digit4', '4', '$'],
  ['Digit5', '5', '%'],
  ['Digit6', '6', '^'],
  ['Digit7', '7', '&'],
  ['Digit8', '8', '*'],
  ['Digit9', '9', '('],
  ['Digit0', '0', ')'],
  ['Minus', '-', '_'],
  ['Equal', '=', '+'],
  ['BracketLeft', '[', '{'],
  ['BracketRight', ']', '}'],
  ['Backslash', '\\', '|'],
  ['Semicolon', ';', ':'],
  ['Quote', "'", '"'],
  ['Comma', ',', '<'],
  ['Period', '.', '>'],
  ['Slash', '/', '?'],
] as const) {
  US_SYMBOL_KEYS[plain] = [code, false];
  US_SYMBOL_KEYS[shifted] = [code, true];
}

/**
 * The X11 keysym of a character: Latin-1 characters (U+0020–U+007E, U+00A0–U+00FF) are their own
 * code point; any other Unicode character is 0x01000000 + its code point (keysymdef.h's rule).
 */
export function charKeysym(char: string): number {
  const cp = char.codePointAt(0) ?? 0;
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
  return 0x01000000 + cp;
}

/**
 * The keystrokes that type `text` on a US keyboard: letters (Shift for upper case), digits,
 * symbols (Shift for `!@#…`), space; `\n` (and `\r\n`, and a lone `\r`) is Enter, `\t` is Tab.
 * Other characters are sent as their keysym without a physical key (QEMU then looks them up in its
 * keymap; a guest with another layout may type something else). Other control characters are
 * dropped.
 */
export function textToKeystrokes(text: string): Keystroke[] {
  const out: Keystroke[] = [];
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += 1) {
    const char = chars[i] as string;
    if (char === '\r' || char === '\n') {
      if (char === '\r' && chars[i + 1] === '\n') i += 1;
      out.push({ char: '\n', ...KEYS.enter, shift: false });
      continue;
    }
    if (char === '\t') {
      out.push({ char, ...KEYS.tab, shift: false });
      continue;
    }
    const cp = char.codePointAt(0) ?? 0;
    if (cp < 0x20 || cp === 0x7f) continue;
    const keysym = charKeysym(char);
    if (char === ' ') {
      out.push({ char, keysym, code: 'Space', shift: false });
    } else if (/^[a-z]$/.test(char)) {
      out.push({ char, keysym, code: `Key${char.toUpperCase()}`, shift: false });
    } else if (/^[A-Z]$/.test(char)) {
      out.push({ char, keysym, code: `Key${char}`, shift: true });
    } else if (US_SYMBOL_KEYS[char]) {
      const [code, shift] = US_SYMBOL_KEYS[char];
      out.push({ char, keysym, code, shift });
    } else {
      out.push({ char, keysym, code: null, shift: false });
    }
  }
  return out;
}

/** The key events of one keystroke: Shift around it when needed. */
export function keystrokeEvents(stroke: Keystroke): KeyEventSpec[] {
  const key: Key = { keysym: stroke.keysym, code: stroke.code };
  return comboEvents(stroke.shift ? [KEYS.shift, key] : [key]);
}

/** Sends one key event (`(keysym, code, down) => rfb.sendKey(keysym, code, down)`). */
export type SendKey = (keysym: number, code: string | null, down: boolean) => void;

/**
 * Types `strokes` one by one through `send`, waiting `delayMs` between characters (QEMU and
 * installers drop keys sent faster than the guest reads them). Stops before the next character
 * when `signal` aborts; `onProgress(done, total)` after each. Resolves with the number typed.
 */
export async function typeKeystrokes(
  strokes: readonly Keystroke[],
  send: SendKey,
  {
    delayMs,
    signal,
    onProgress,
  }: { delayMs: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<number> {
  let done = 0;
  for (const stroke of strokes) {
    if (signal?.aborted) break;
    for (const e of keystrokeEvents(stroke)) send(e.keysym, e.code, e.down);
    done += 1;
    onProgress?.(done, strokes.length);
    if (done < strokes.length && delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    }
  }
  return done;
}
