import { type FormEvent, useState } from 'react';
import { Button } from '@/components/button';
import { Field, inputClass } from '@/components/form-field';
import { type AuditFilters, NO_AUDIT_FILTERS } from '../lib/audit-filters';

/**
 * The search form: user, domain, action (prefix), text (target or command), result, time range.
 * Calls `onApply` with the whole set on Search, and with no filters on Clear.
 */
export function AuditFiltersForm({
  initial,
  onApply,
}: {
  initial: AuditFilters;
  onApply: (filters: AuditFilters) => void;
}) {
  const [draft, setDraft] = useState(initial);
  const set = (key: keyof AuditFilters) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  const text = (key: 'user' | 'domain' | 'action' | 'q', label: string, placeholder: string) => (
    <Field label={label} htmlFor={`audit-${key}`}>
      <input
        id={`audit-${key}`}
        className={inputClass}
        value={draft[key]}
        placeholder={placeholder}
        onChange={set(key)}
      />
    </Field>
  );
  const time = (key: 'since' | 'until', label: string) => (
    <Field label={label} htmlFor={`audit-${key}`}>
      <input
        id={`audit-${key}`}
        type="datetime-local"
        className={inputClass}
        value={draft[key]}
        onChange={set(key)}
      />
    </Field>
  );
  return (
    <form
      aria-label="Search the audit log"
      onSubmit={submit}
      className="flex flex-wrap items-end gap-3 [&>div]:w-40"
    >
      {text('user', 'User', 'alice')}
      {text('domain', 'Domain', 'web1')}
      {text('action', 'Action starts with', 'domain.')}
      {text('q', 'Target or command contains', 'lvcreate')}
      <Field label="Result" htmlFor="audit-result-filter">
        <select
          id="audit-result-filter"
          className={inputClass}
          value={draft.result}
          onChange={set('result')}
        >
          <option value="">any</option>
          <option value="ok">ok</option>
          <option value="failed">failed</option>
        </select>
      </Field>
      {time('since', 'From')}
      {time('until', 'Until')}
      <div className="flex w-auto! items-end gap-2">
        <Button type="submit" variant="primary">
          Search
        </Button>
        <Button
          onClick={() => {
            setDraft(NO_AUDIT_FILTERS);
            onApply(NO_AUDIT_FILTERS);
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
