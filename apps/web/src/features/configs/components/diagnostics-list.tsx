import type { LocatedDiagnostic } from '../lib/xl-lint';

/**
 * Diagnostics as a list, `line:column  message  CODE`, errors in red and warnings in amber.
 * Used under the editor, in the review step and for the server's 422 answer.
 */
export function DiagnosticsList({
  errors,
  warnings = [],
  onSelect,
}: {
  errors: readonly LocatedDiagnostic[];
  warnings?: readonly LocatedDiagnostic[];
  /** When given, each entry is a button that calls it (e.g. to move the cursor there). */
  onSelect?: (d: LocatedDiagnostic) => void;
}) {
  if (errors.length === 0 && warnings.length === 0) return null;
  const item = (d: LocatedDiagnostic, kind: 'error' | 'warning', i: number) => {
    const tone =
      kind === 'error' ? 'text-red-800 dark:text-red-300' : 'text-amber-800 dark:text-amber-300';
    const body = (
      <>
        <span className="w-14 shrink-0 font-mono text-xs tabular-nums text-zinc-500 dark:text-zinc-400">
          {d.line}:{d.column}
        </span>
        <span className="sr-only">{kind}: </span>
        <span className={`min-w-0 flex-1 ${tone}`}>{d.message}</span>
        <span className="shrink-0 rounded bg-zinc-100 px-1.5 font-mono text-[11px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
          {d.code}
        </span>
      </>
    );
    return (
      <li key={`${kind}-${i}`}>
        {onSelect ? (
          <button
            type="button"
            onClick={() => onSelect(d)}
            className="flex w-full items-baseline gap-2 rounded px-1.5 py-0.5 text-left text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-sky-600 dark:hover:bg-zinc-800"
          >
            {body}
          </button>
        ) : (
          <div className="flex items-baseline gap-2 px-1.5 py-0.5 text-sm">{body}</div>
        )}
      </li>
    );
  };
  return (
    <ul className="flex flex-col" aria-label="Problems in the file">
      {errors.map((d, i) => item(d, 'error', i))}
      {warnings.map((d, i) => item(d, 'warning', i))}
    </ul>
  );
}

/** Reads `details.errors` of a 422 `CONFIG_INVALID` answer; entries without a position are skipped. */
export function diagnosticsFromDetails(
  details: Record<string, unknown> | undefined,
): LocatedDiagnostic[] {
  const list = details?.errors;
  if (!Array.isArray(list)) return [];
  return list.flatMap((e): LocatedDiagnostic[] => {
    if (typeof e !== 'object' || e === null) return [];
    const { code, message, line, column, offset, key } = e as Record<string, unknown>;
    if (typeof line !== 'number' || typeof column !== 'number') return [];
    return [
      {
        code: typeof code === 'string' ? code : 'CONFIG_INVALID',
        message: typeof message === 'string' ? message : 'invalid',
        line,
        column,
        ...(typeof offset === 'number' ? { offset } : {}),
        ...(typeof key === 'string' ? { key } : {}),
      },
    ];
  });
}
