/**
 * A domain page tab that acts on the running domain (Resources, Network): looks the domain up by
 * name in the live list (`useDomains`), shows the list's loading or error state, and renders
 * `children(domain)` when it runs, else the tab's own "not running" sentence in a paragraph with
 * `testId`. The children are keyed by domid, so a restart starts their forms afresh.
 */
import type { Domain } from '@xendeck/api';
import { Fragment, type ReactNode } from 'react';
import { QueryState } from '@/components/panel';
import { useDomains } from '../api/get-domains';

export function WhenRunning({
  name,
  testId,
  notRunning,
  children,
}: {
  name: string;
  /** `data-testid` of the "not running" paragraph. */
  testId: string;
  /** What the tab says when no domain of that name runs (what to do instead). */
  notRunning: ReactNode;
  children: (domain: Domain) => ReactNode;
}) {
  const domains = useDomains();
  if (!domains.data) {
    return <QueryState isPending={domains.isPending} error={domains.error} what="domains" />;
  }
  const domain = domains.data.find((d) => d.name === name);
  if (!domain) {
    return (
      <p data-testid={testId} className="pt-2 text-sm text-zinc-600 dark:text-zinc-400">
        {notRunning}
      </p>
    );
  }
  return <Fragment key={domain.domid}>{children(domain)}</Fragment>;
}
