import { isApiError } from '@/lib/api-client';

/**
 * A visible message box. Errors use role="alert" (read out at once), results role="status".
 * Multi-line messages (xl's output) keep their line breaks.
 */
export function Alert({
  kind,
  title,
  message,
  code,
  onDismiss,
}: {
  kind: 'error' | 'success';
  title: string;
  message?: string;
  code?: string | undefined;
  onDismiss?: () => void;
}) {
  const tone =
    kind === 'error'
      ? 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100'
      : 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/60 dark:text-emerald-100';
  return (
    <div
      role={kind === 'error' ? 'alert' : 'status'}
      className={`flex items-start gap-3 rounded-md border px-3 py-2 text-sm ${tone}`}
    >
      <div className="min-w-0 flex-1">
        <p className="font-medium">
          {title}
          {code ? (
            <span className="ml-2 rounded bg-black/5 px-1.5 py-0.5 font-mono text-xs font-normal dark:bg-white/10">
              {code}
            </span>
          ) : null}
        </p>
        {message ? (
          <p className="mt-0.5 whitespace-pre-wrap break-words font-mono text-xs">{message}</p>
        ) : null}
      </div>
      {onDismiss ? (
        <button
          type="button"
          onClick={onDismiss}
          className="-mr-1 rounded px-1.5 text-lg leading-none opacity-70 hover:opacity-100 focus-visible:outline-2 focus-visible:outline-current"
          aria-label="Dismiss"
        >
          ×
        </button>
      ) : null}
    </div>
  );
}

/**
 * The Alert of a failed request: the error's message, and the server's code when it is an
 * ApiError (`WRONG_PASSWORD`, `LAST_ADMIN`…).
 */
export function ErrorAlert({
  title,
  error,
  onDismiss,
}: {
  title: string;
  error: unknown;
  onDismiss?: () => void;
}) {
  return (
    <Alert
      kind="error"
      title={title}
      message={error instanceof Error ? error.message : String(error)}
      code={isApiError(error) ? error.code : undefined}
      {...(onDismiss ? { onDismiss } : {})}
    />
  );
}
