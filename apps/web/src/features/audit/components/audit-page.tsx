/**
 * `/audit`: the audit log — every change made through Xendeck (who, from where, what, the
 * equivalent `xl` / `lvm` command, the result), newest first, searchable, 100 at a time with
 * "Load more". A customer sees the entries of their own domains (the server filters). Loaded
 * lazily (lazy-audit-page.tsx).
 */
import { useState } from 'react';
import { Button } from '@/components/button';
import { Panel, QueryState } from '@/components/panel';
import { useAuditLog } from '../api/get-audit';
import { type AuditFilters, NO_AUDIT_FILTERS } from '../lib/audit-filters';
import { AuditFiltersForm } from './audit-filters-form';
import { AuditTable } from './audit-table';

export default function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>(NO_AUDIT_FILTERS);
  const log = useAuditLog(filters);
  const entries = log.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">Audit log</h1>
      <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        Every change made through Xendeck: who, from which address, what, the command a root shell
        on dom0 would type for the same effect, and the result (<code>ok</code> or the error the
        request answered). For long operations the entry records the start; the linked task holds
        the outcome.
      </p>
      <Panel title="Search" labelledBy="audit-search-heading">
        <AuditFiltersForm initial={filters} onApply={setFilters} />
      </Panel>
      <Panel
        title="Entries"
        labelledBy="audit-entries-heading"
        actions={
          log.data ? (
            <span className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="audit-count">
              {entries.length} shown{log.hasNextPage ? ', more older' : ''}
            </span>
          ) : null
        }
      >
        <QueryState isPending={log.isPending} error={log.error} what="the audit log" />
        {log.data ? (
          <div className="-mx-4 -mb-4 overflow-x-auto">
            <AuditTable entries={entries} />
            {log.hasNextPage ? (
              <div className="flex justify-center p-3">
                <Button disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                  {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
                </Button>
              </div>
            ) : null}
          </div>
        ) : null}
      </Panel>
    </>
  );
}
