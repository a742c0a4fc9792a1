import type { ReactNode } from 'react';

/** A titled box that groups one topic on a page. */
export function Panel({
  title,
  actions,
  children,
  className = '',
  labelledBy,
}: {
  title: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  /** id given to the heading, so the section can be named by it. */
  labelledBy?: string;
}) {
  return (
    <section
      aria-labelledby={labelledBy}
      className={`rounded-lg border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900 ${className}`}
    >
      <header className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
        <h2 id={labelledBy} className="text-sm font-semibold text-zinc-800 dark:text-zinc-100">
          {title}
        </h2>
        {actions}
      </header>
      <div className="p-4">{children}</div>
    </section>
  );
}

/** Loading / error placeholder for a query-backed block. */
export function QueryState({
  isPending,
  error,
  what,
}: {
  isPending: boolean;
  error: Error | null;
  what: string;
}) {
  if (error) {
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-300">
        Could not load {what}: {error.message}
      </p>
    );
  }
  if (isPending) {
    return <p className="text-sm text-zinc-500">Loading {what}…</p>;
  }
  return null;
}
