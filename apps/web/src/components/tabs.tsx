import type { ReactNode } from 'react';

/**
 * A row of ARIA tabs (`role="tablist"` / `role="tab"`, `aria-selected`), arrow keys move between
 * them. The panel is rendered by the caller with {@link tabPanelProps}.
 */
export function Tabs<T extends string>({
  label,
  idPrefix,
  tabs,
  selected,
  onSelect,
}: {
  /** Accessible name of the tab list. */
  label: string;
  /** Prefix of the tab and panel ids (unique on the page). */
  idPrefix: string;
  tabs: readonly { id: T; label: ReactNode }[];
  selected: T;
  onSelect: (id: T) => void;
}) {
  return (
    <div
      role="tablist"
      aria-label={label}
      className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800"
      onKeyDown={(e) => {
        if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
        const i = tabs.findIndex((t) => t.id === selected);
        const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
        if (next) {
          onSelect(next.id);
          document.getElementById(`${idPrefix}-tab-${next.id}`)?.focus();
        }
      }}
    >
      {tabs.map((t) => {
        const active = t.id === selected;
        return (
          <button
            key={t.id}
            id={`${idPrefix}-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={active}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={active ? 0 : -1}
            onClick={() => onSelect(t.id)}
            className={`-mb-px border-b-2 px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-sky-600 ${
              active
                ? 'border-sky-600 font-medium text-zinc-900 dark:border-sky-400 dark:text-zinc-50'
                : 'border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900 dark:text-zinc-400 dark:hover:border-zinc-600 dark:hover:text-zinc-100'
            }`}
          >
            {t.label}
          </button>
        );
      })}
    </div>
  );
}

/** Props for the panel of a {@link Tabs} row. */
export function tabPanelProps(idPrefix: string, selected: string) {
  return {
    role: 'tabpanel',
    id: `${idPrefix}-panel`,
    'aria-labelledby': `${idPrefix}-tab-${selected}`,
  } as const;
}
