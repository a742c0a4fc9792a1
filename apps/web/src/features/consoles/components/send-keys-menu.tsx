/**
 * The **Send keys** menu of the VNC toolbar: key combinations the browser would keep for itself
 * (Ctrl-Alt-F1…F12, Ctrl-Alt-Backspace) or that move focus (Esc, Tab), and sticky Ctrl, Alt and
 * Win (held down in the guest until released here). A {@link ToolbarMenu}.
 */
import { type KeyCombo, SEND_KEY_COMBOS, type StickyModifier } from '../lib/keysyms';
import { MENU_ITEM_CLASS, ToolbarMenu } from './toolbar-menu';

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
  return (
    <ToolbarMenu
      label="Send keys"
      menuLabel="Send keys"
      disabled={disabled}
      badge={
        held.size > 0
          ? STICKY.filter((s) => held.has(s.id))
              .map((s) => s.label)
              .join('+')
          : undefined
      }
    >
      {(close) => (
        <>
          {SEND_KEY_COMBOS.map((combo) => (
            <button
              key={combo.label}
              type="button"
              role="menuitem"
              className={MENU_ITEM_CLASS}
              onClick={() => {
                onCombo(combo);
                close();
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
              className={`${MENU_ITEM_CLASS} flex items-center justify-between`}
              onClick={() => onToggleSticky(m.id)}
            >
              {m.label}
              <span aria-hidden="true">{held.has(m.id) ? '●' : '○'}</span>
            </button>
          ))}
        </>
      )}
    </ToolbarMenu>
  );
}
