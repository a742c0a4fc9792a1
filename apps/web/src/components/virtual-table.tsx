/**
 * What the long domain tables (the domains table, `xl top`) share: a virtualized `<tbody>` on
 * TanStack Virtual that keeps real table semantics (spacer rows above and below the rendered
 * window, `aria-rowcount`/`aria-rowindex` so assistive technology knows the whole count), a
 * sortable column heading (`aria-sort` + a button), and the filter bar (name and state, both
 * labelled, with the shown/total count announced politely).
 *
 * Debug/baseline switch: `?rows=all` in the page URL renders every row (overscan = row count),
 * which is what these tables did before virtualization; the table benchmark
 * (`e2e/bench/table-bench.mjs`) measures it beside the virtualized table.
 */
import {
  observeElementRect,
  type Rect,
  useVirtualizer,
  type VirtualItem,
} from '@tanstack/react-virtual';
import { type ReactNode, type RefObject, useId } from 'react';
import { inputBaseClass } from '@/components/form-field';
import { ariaSort, type RowFilter, type TableSort } from '@/lib/table-sort';

/** True when the page URL asks for every row rendered (`?rows=all`). */
export function renderAllRowsRequested(search: string = window.location.search): boolean {
  return new URLSearchParams(search).get('rows') === 'all';
}

export interface VirtualRows {
  items: VirtualItem[];
  /** Height of the spacer above the first rendered row, px. */
  paddingTopPx: number;
  /** Height of the spacer below the last rendered row, px. */
  paddingBottomPx: number;
}

/** The scroll container's size assumed until it is measured: a screenful of rows at once. */
const DEFAULT_RECT: Rect = { width: 1280, height: 800 };

/**
 * The rows of a `count`-row table to render now, in the scroll container `scrollRef` (rows of
 * `rowHeightPx`, `overscan` rows beyond each edge; every row under `?rows=all`). `initialRect`:
 * the container's size before it is measured; a measurement of height 0 (a container not laid
 * out: jsdom in tests, or not displayed) keeps it, so the first screenful still renders.
 */
export function useVirtualRows({
  count,
  rowHeightPx,
  scrollRef,
  overscan = 8,
  initialRect,
}: {
  count: number;
  rowHeightPx: number;
  scrollRef: RefObject<HTMLElement | null>;
  overscan?: number;
  initialRect?: Rect;
}): VirtualRows {
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeightPx,
    overscan: renderAllRowsRequested() ? Math.max(count, 1) : overscan,
    initialRect: initialRect ?? DEFAULT_RECT,
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) =>
        cb(rect.height > 0 ? rect : (initialRect ?? DEFAULT_RECT)),
      ),
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0];
  const last = items.at(-1);
  return {
    items,
    paddingTopPx: first ? first.start : 0,
    paddingBottomPx: last ? Math.max(0, virtualizer.getTotalSize() - last.end) : 0,
  };
}

/** An empty row of `heightPx` standing for the rows not rendered (nothing when 0). */
export function SpacerRow({ heightPx, columns }: { heightPx: number; columns: number }) {
  if (heightPx <= 0) return null;
  return (
    // An empty cell: screen readers skip it; aria-rowindex on the real rows keeps the count.
    <tr data-spacer="" style={{ height: heightPx }}>
      <td colSpan={columns} className="p-0" />
    </tr>
  );
}

/**
 * The frame of a virtualized table: the scroll container (`scrollRef`, `<testId>-scroll`), the
 * `<table>` (`<testId>-table`) with `aria-rowcount` = `rowCount` + the heading row, a screen-reader
 * caption, the sticky heading row (`head`: its `<th>`s), and the body: `empty` when there is no
 * row, else the spacer above, `children` (the rendered rows), the spacer below.
 */
export function VirtualTable({
  scrollRef,
  testId,
  containerClass,
  tableClass,
  caption,
  head,
  rowCount,
  columns,
  virtual,
  empty,
  children,
}: {
  scrollRef: RefObject<HTMLDivElement | null>;
  testId: string;
  containerClass: string;
  tableClass: string;
  caption: string;
  head: ReactNode;
  rowCount: number;
  columns: number;
  virtual: VirtualRows;
  empty: ReactNode;
  children: ReactNode;
}) {
  return (
    <div
      ref={scrollRef}
      data-testid={`${testId}-scroll`}
      className={`overflow-auto ${containerClass}`}
    >
      <table
        className={`w-full border-collapse ${tableClass}`}
        aria-rowcount={rowCount + 1}
        data-testid={`${testId}-table`}
      >
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 z-10 border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <tr aria-rowindex={1}>{head}</tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {rowCount === 0 ? (
            <tr>
              <td colSpan={columns} className="px-3 py-4 text-center text-zinc-500">
                {empty}
              </td>
            </tr>
          ) : null}
          <SpacerRow heightPx={virtual.paddingTopPx} columns={columns} />
          {children}
          <SpacerRow heightPx={virtual.paddingBottomPx} columns={columns} />
        </tbody>
      </table>
    </div>
  );
}

/**
 * A column heading that sorts: `aria-sort` on the `<th>`, a button inside (click: this column,
 * again: the other way), an arrow on the active one.
 */
export function SortHeading<K extends string>({
  column,
  sort,
  onSort,
  className,
  title,
  children,
}: {
  column: K;
  sort: TableSort<K>;
  onSort: (key: K) => void;
  className: string;
  title?: string;
  children: ReactNode;
}) {
  const active = sort.key === column;
  return (
    <th scope="col" aria-sort={ariaSort(sort, column)} className={className}>
      <button
        type="button"
        {...(title ? { title } : {})}
        onClick={() => onSort(column)}
        className={`inline-flex items-center gap-0.5 rounded hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-sky-600 dark:hover:text-zinc-100 ${
          active ? 'text-zinc-900 dark:text-zinc-50' : ''
        }`}
      >
        {children}
        {active ? <span aria-hidden="true">{sort.direction === 'asc' ? '▲' : '▼'}</span> : null}
      </button>
    </th>
  );
}

/**
 * The filter bar above a domain table: "Filter by name" (text, part of the name) and "State"
 * (every state or one of `states`), then "<shown> of <total> domains" in a polite live region.
 * `testIdPrefix`: ids `<prefix>-filter-name`, `<prefix>-filter-state`, `<prefix>-count`.
 */
export function TableFilterBar({
  filter,
  onChange,
  states,
  shown,
  total,
  testIdPrefix,
}: {
  filter: RowFilter;
  onChange: (filter: RowFilter) => void;
  states: readonly string[];
  shown: number;
  total: number;
  testIdPrefix: string;
}) {
  const id = useId();
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <label htmlFor={`${id}-name`} className="flex items-center gap-1.5">
        <span className="text-zinc-600 dark:text-zinc-300">Filter by name</span>
        <input
          id={`${id}-name`}
          type="search"
          value={filter.text}
          onChange={(e) => onChange({ ...filter, text: e.target.value })}
          placeholder="part of a name"
          autoComplete="off"
          spellCheck={false}
          data-testid={`${testIdPrefix}-filter-name`}
          className={`${inputBaseClass} w-44 font-mono`}
        />
      </label>
      <label htmlFor={`${id}-state`} className="flex items-center gap-1.5">
        <span className="text-zinc-600 dark:text-zinc-300">State</span>
        <select
          id={`${id}-state`}
          value={filter.state}
          onChange={(e) => onChange({ ...filter, state: e.target.value })}
          data-testid={`${testIdPrefix}-filter-state`}
          className={inputBaseClass}
        >
          <option value="">every state</option>
          {states.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <output
        aria-live="polite"
        data-testid={`${testIdPrefix}-count`}
        className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400"
      >
        {shown === total ? `${total} domains` : `${shown} of ${total} domains`}
      </output>
    </div>
  );
}
