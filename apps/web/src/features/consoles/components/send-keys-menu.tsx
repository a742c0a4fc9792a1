/**
 * The **Send keys** menu of the VNC toolbar: key combinations the browser would keep for itself
 * (Ctrl-Alt-F1…F12, Ctrl-Alt-Backspace) or that move focus (Esc, Tab), and sticky Ctrl, Alt and
 * Win (held down in the guest until released here). A plain button + `role="menu"` popup: Escape
 * or a click outside closes it.
 */
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/button';
import { type KeyCombo, SEND_KEY_COMBOS, type StickyModifier } from '../lib/keysyms';

const STICKY: { id: StickyModifier; label: string }[] = [
  { id: 'ctrl', label: 'Ctrl' },
  { id: 'alt', label: 'Alt' },
  { id: 'win', label: 'Win' },
];

export function SendKeysMenu({
  disabled,
  held,
  onCombo,
  onToggleSticky,
}: {
  disabled: boolean;
  /** Sticky modifiers held down now. */
  held: ReadonlySet<StickyModifier>;
  onCombo: (combo: KeyCombo) => void;
  onToggleSticky: (modifier: StickyModifier) => void;
}) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const item =
    'block w-full px-3 py-1 text-left text-xs hover:bg-zinc-100 focus-visible:bg-zinc-100 focus-visible:outline-none dark:hover:bg-zinc-800 dark:focus-visible:bg-zinc-800';

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the menu from the button or an item
    <div
      ref={rootRef}
      className="relative"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <Button
        size="sm"
        disabled={disabled}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        Send keys
      </Button>
      {held.size > 0 ? (
        <span className="absolute -top-2 -right-2 rounded bg-amber-500 px-1 text-[10px] font-medium text-white">
          {STICKY.filter((s) => held.has(s.id))
            .map((s) => s.label)
            .join('+')}
        </span>
      ) : null}
      {open ? (
        <div
          role="menu"
          aria-label="Send keys"
          className="absolute top-8 left-0 z-30 max-h-[75vh] w-48 overflow-y-auto rounded-md border border-zinc-200 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {SEND_KEY_COMBOS.map((combo) => (
            <button
              key={combo.label}
              type="button"
              role="menuitem"
              className={item}
              onClick={() => {
                onCombo(combo);
                setOpen(false);
              }}
            >
              {combo.label}
            </button>
          ))}
          <hr className="my-1 border-zinc-200 dark:border-zinc-700" />
          <p className="px-3 py-0.5 text-[11px] text-zinc-500 dark:text-zinc-400">Hold down</p>
          {STICKY.map((m) => (
            <button
              key={m.id}
              type="button"
              role="menuitemcheckbox"
              aria-checked={held.has(m.id)}
              className={`${item} flex items-center justify-between`}
              onClick={() => onToggleSticky(m.id)}
            >
              {m.label}
              <span aria-hidden="true">{held.has(m.id) ? '●' : '○'}</span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
