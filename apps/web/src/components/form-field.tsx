import type { ReactNode } from 'react';
import type { FieldError } from 'react-hook-form';

/** Class of the app's text and number inputs (full width; `inputBaseClass` sizes to its content). */
export const inputBaseClass =
  'h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm focus-visible:outline-2 focus-visible:outline-sky-600 aria-invalid:border-red-500 disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-950';
export const inputClass = `${inputBaseClass} w-full`;

/**
 * A labelled form field: the label, the control, then its error (role="alert", id
 * `<htmlFor>-error` for `aria-describedby`) or else its hint.
 */
export function Field({
  label,
  hint,
  error,
  children,
  htmlFor,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: Pick<FieldError, 'message'> | undefined;
  children: ReactNode;
  htmlFor: string;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={htmlFor} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      {children}
      {error?.message ? (
        <p id={`${htmlFor}-error`} role="alert" className="text-xs text-red-700 dark:text-red-300">
          {error.message}
        </p>
      ) : hint ? (
        <p id={`${htmlFor}-hint`} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
