/**
 * Pieces every Resources form shares: the "Also write to <name>.cfg" checkbox with the button and
 * the `xl` command, the line under a
 * form that says what the last change did to the config file (written keys, or untouched), and
 * the field message.
 */
import type { LiveChangeResult } from '@xendeck/api';
import { Button } from '@/components/button';
import { CommandHint } from '@/components/command-hint';

/** "Also write to <name>.cfg": whether a live change also goes into the domain's config file. */
export function PersistCheckbox({
  name,
  checked,
  onChange,
  testId,
}: {
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId: string;
}) {
  return (
    <label className="inline-flex items-center gap-1.5 text-xs text-zinc-700 dark:text-zinc-300">
      <input
        type="checkbox"
        data-testid={testId}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        className="size-3.5 accent-sky-700"
      />
      Also write to <span className="font-mono">{name}.cfg</span>
    </label>
  );
}

/**
 * What ends every Resources form: "Also write to <name>.cfg", the submit button, and the `xl`
 * command beside it (copyable; none while the input is invalid). Test ids
 * `resources-<section>-persist` and `resources-<section>-apply`.
 */
export function ApplyControls({
  name,
  section,
  persist,
  onPersist,
  command,
  pending,
  label = 'Apply',
  pendingLabel = 'Applying…',
}: {
  name: string;
  section: string;
  persist: boolean;
  onPersist: (checked: boolean) => void;
  /** The `xl` twin of what the form would do, or null when the input is invalid (button disabled). */
  command: string | null;
  pending: boolean;
  label?: string;
  pendingLabel?: string;
}) {
  return (
    <>
      <PersistCheckbox
        name={name}
        checked={persist}
        onChange={onPersist}
        testId={`resources-${section}-persist`}
      />
      <Button
        type="submit"
        variant="primary"
        data-testid={`resources-${section}-apply`}
        disabled={command === null || pending}
      >
        {pending ? pendingLabel : label}
      </Button>
      {command !== null ? <CommandHint command={command} /> : null}
    </>
  );
}

/** What the last change did: the keys written to the file (before → after), or that it was left alone. */
export function ChangeOutcome({
  result,
  testId,
}: {
  result: LiveChangeResult | null;
  testId: string;
}) {
  if (!result) return null;
  const p = result.persisted;
  return (
    <p data-testid={testId} role="status" className="text-xs text-zinc-600 dark:text-zinc-400">
      Done: <code className="font-mono">{result.command}</code>.{' '}
      {p === null ? (
        <>The config file was not changed.</>
      ) : p.changes.length === 0 ? (
        <>
          <span className="font-mono">{p.path}</span> already said so; nothing written.
        </>
      ) : (
        <>
          Written to <span className="font-mono">{p.path}</span>:{' '}
          {p.changes.map((c, i) => (
            <span key={c.key} className="font-mono">
              {i > 0 ? ', ' : ''}
              {c.key} {c.before ?? '(unset)'} → {c.after}
            </span>
          ))}
          {p.versionId !== null ? ` (history version ${p.versionId})` : ''}.
        </>
      )}
    </p>
  );
}

/** The message under a field: the check's problem in red, else a hint. */
export function FieldMessage({
  id,
  problem,
  hint,
}: {
  id: string;
  problem?: string;
  hint: string;
}) {
  return (
    <p
      id={id}
      className={`min-h-4 text-xs ${problem ? 'text-red-700 dark:text-red-300' : 'text-zinc-500 dark:text-zinc-400'}`}
    >
      {problem ?? hint}
    </p>
  );
}
