import type { ReactNode } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';

/**
 * A radio group drawn as cards: one line of title, one line of explanation each. Arrow keys move
 * between them (native radio behaviour); the group is a fieldset named by `legend`.
 */
export function ChoiceCards<T extends string>({
  legend,
  options,
  register,
  value,
  testIdPrefix,
}: {
  legend: string;
  options: readonly { value: T; title: ReactNode; description: ReactNode }[];
  register: UseFormRegisterReturn;
  value: T;
  testIdPrefix: string;
}) {
  return (
    <fieldset className="flex flex-col gap-1.5">
      <legend className="mb-1 text-xs font-medium text-zinc-700 dark:text-zinc-300">
        {legend}
      </legend>
      <div className="grid gap-2 sm:grid-cols-3">
        {options.map((o) => (
          <label
            key={o.value}
            data-testid={`${testIdPrefix}-${o.value}`}
            className={`flex cursor-pointer flex-col gap-0.5 rounded-md border p-2.5 text-sm focus-within:outline-2 focus-within:outline-sky-600 ${
              value === o.value
                ? 'border-sky-600 bg-sky-50 dark:border-sky-500 dark:bg-sky-950/50'
                : 'border-zinc-300 hover:border-zinc-400 dark:border-zinc-700 dark:hover:border-zinc-500'
            }`}
          >
            <span className="flex items-center gap-2 font-medium">
              <input type="radio" value={o.value} className="accent-sky-700" {...register} />
              {o.title}
            </span>
            <span className="text-xs text-zinc-600 dark:text-zinc-400">{o.description}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
