import type { QueryClient } from '@tanstack/react-query';
import type { ConsoleStatus, Domain, EventMessage } from '@xendeck/api';
import { configsListQueryKey } from '@/features/configs';
import { consoleStatusQueryKey, withViewers } from '@/features/consoles';
import { domainsListQueryKey } from '@/features/domains';
import { hostQueryKey } from '@/features/host';
import { applyTaskUpdate } from '@/features/tasks';

function byDomid(a: Domain, b: Domain): number {
  return a.domid - b.domid;
}

/**
 * The domain list after one event message, as a pure function of the list before it.
 *
 * - `snapshot`: the snapshot's domains, sorted by domid (dom0 first), whatever was there.
 * - `domain.added` / `domain.changed`: the domain replaces the entry with its domid, or is inserted
 *   in domid order (a `changed` for a domain not in the list adds it: the list was behind).
 * - `domain.removed`: the entry with that domid goes.
 *
 * A list that was never loaded (`undefined`) stays `undefined` for everything but a snapshot: a
 * patch on nothing would show a partial list as if it were the whole host. An event that changes
 * nothing returns the same array, so React Query's structural sharing sees no change.
 */
export function applyEventToDomains(
  list: Domain[] | undefined,
  message: EventMessage,
): Domain[] | undefined {
  switch (message.type) {
    case 'snapshot':
      return [...message.domains].sort(byDomid);
    case 'domain.added':
    case 'domain.changed': {
      if (!list) return list;
      const { domain } = message;
      const rest = list.filter((d) => d.domid !== domain.domid);
      return [...rest, domain].sort(byDomid);
    }
    case 'domain.removed': {
      if (!list) return list;
      if (!list.some((d) => d.domid === message.domid)) return list;
      return list.filter((d) => d.domid !== message.domid);
    }
    case 'console.viewers':
    case 'task.updated':
      return list;
  }
}

/**
 * Feeds one event message into the query cache: the message patches `['domains','list']` (see
 * {@link applyEventToDomains}); `added`/`removed` also invalidate `['configs','list']` (running
 * flags) and `['host']` (memory split); a `changed` whose memory differs from the cached one
 * invalidates `['host']` (the split again); `added`/`removed` invalidate that domain's console status
 * (`['consoles','status',name]`: its consoles come and go with it); `console.viewers` patches the
 * viewer count in that status; `task.updated` patches `['tasks','list']` and
 * `['tasks','detail',id]` (features/tasks).
 */
export function applyEvent(queryClient: QueryClient, message: EventMessage): void {
  const before = queryClient.getQueryData<Domain[]>(domainsListQueryKey);
  queryClient.setQueryData<Domain[]>(domainsListQueryKey, (list) =>
    applyEventToDomains(list, message),
  );
  switch (message.type) {
    case 'snapshot':
      return;
    case 'domain.added':
    case 'domain.removed': {
      const name = message.type === 'domain.added' ? message.domain.name : message.name;
      void queryClient.invalidateQueries({ queryKey: configsListQueryKey });
      void queryClient.invalidateQueries({ queryKey: hostQueryKey });
      void queryClient.invalidateQueries({ queryKey: consoleStatusQueryKey(name) });
      return;
    }
    case 'console.viewers':
      queryClient.setQueryData<ConsoleStatus>(consoleStatusQueryKey(message.name), (status) =>
        withViewers(status, message.kind, message.viewers),
      );
      return;
    case 'task.updated':
      applyTaskUpdate(queryClient, message.task);
      return;
    case 'domain.changed': {
      const old = before?.find((d) => d.domid === message.domain.domid);
      if (!old || old.memoryKiB !== message.domain.memoryKiB) {
        void queryClient.invalidateQueries({ queryKey: hostQueryKey });
      }
      return;
    }
  }
}
