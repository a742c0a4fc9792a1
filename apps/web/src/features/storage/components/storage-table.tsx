/** The storage page's tables: a labelled, horizontally scrolling table with one header row. */
import type { ReactNode } from 'react';
import { thClass } from '@/components/table';

export function StorageTable({
  label,
  columns,
  children,
}: {
  /** The table's accessible name (tests and e2e find it by this). */
  label: string;
  columns: string[];
  /** The body rows. */
  children: ReactNode;
}) {
  return (
    <div className="-mx-4 overflow-x-auto">
      <table className="w-full text-sm" aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} className={thClass}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
