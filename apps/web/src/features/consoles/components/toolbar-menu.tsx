/**
 * A drop-down menu of the console toolbar (Send keys, CD): a small button with `aria-haspopup`
 * and a `role="menu"` popup under it. Escape or a click outside closes it; `children` gets a
 * `close` function for items that act and close. Badges (sticky keys held) go in `badge`.
 */
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Button } from '@/components/button';

/** Classes of a menu item button (`role="menuitem"` and friends). */
export const MENU_ITEM_CLASS =
  'block w-full px-3 py-1 text-left text-xs hover:bg-zinc-100 focus-visible:bg-zinc-100 focus-visible:outline-none disabled:cursor-not-allowed disabled:text-zinc-400 disabled:hover:bg-transparent dark:hover:bg-zinc-800 dark:focus-visible:bg-zinc-800 dark:disabled:text-zinc-600';

export function ToolbarMenu({
  label,
  menuLabel,
  disabled = false,
  title,
  badge,
  widthClass = 'w-48',
  onOpen,
  buttonTestId,
  children,
}: {
  /** What the button shows. */
  label: ReactNode;
  /** The menu's accessible name. */
  menuLabel: string;
  disabled?: boolean;
  title?: string;
  /** Shown over the button's corner (e.g. the sticky keys held down). */
  badge?: ReactNode;
  /** Tailwind width class of the popup. */
  widthClass?: string;
  /** Called each time the menu opens (e.g. to refresh what it shows). */
  onOpen?: () => void;
  buttonTestId?: string;
  children: (close: () => void) => ReactNode;
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
        title={title}
        data-testid={buttonTestId}
        onClick={() => {
          if (!open) onOpen?.();
          setOpen((o) => !o);
        }}
      >
        {label}
      </Button>
      {badge ? (
        <span className="absolute -top-2 -right-2 rounded bg-amber-500 px-1 text-[10px] font-medium text-white">
          {badge}
        </span>
      ) : null}
      {open ? (
        <div
          role="menu"
          aria-label={menuLabel}
          className={`absolute top-8 left-0 z-30 max-h-[75vh] ${widthClass} overflow-y-auto rounded-md border border-zinc-200 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900`}
        >
          {children(() => setOpen(false))}
        </div>
      ) : null}
    </div>
  );
}
