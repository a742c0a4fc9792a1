/** A note when "used by" may be incomplete: config files that could not be read, domains whose disks are unknown. */
import type { UsedByGaps as Gaps } from '@xendeck/api';

export function UsedByGaps({ gaps }: { gaps: Gaps }) {
  if (gaps.configs.length === 0 && gaps.domains.length === 0) return null;
  return (
    <div
      role="note"
      data-testid="used-by-gaps"
      className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-100"
    >
      <p className="font-medium">"Used by" may be incomplete:</p>
      <ul className="mt-1 list-disc pl-4">
        {gaps.configs.map((c) => (
          <li key={c.path}>
            <span className="font-mono">{c.path}</span> was not read ({c.reason}); a disk its text
            names still counts as used.
          </li>
        ))}
        {gaps.domains.map((d) => (
          <li key={d.domid}>
            the disks of running domain {d.name} (domid {d.domid}) are unknown: {d.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
