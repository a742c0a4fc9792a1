import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type DomainMemoryRequest,
  type LiveChangeResult,
  liveChangeResultSchema,
  type SchedRequest,
  type VcpuPinRequest,
  type VcpuSetRequest,
} from '@xendeck/api';
import { domainsListQueryKey } from '@/features/domains';
import { apiFetch } from '@/lib/api-client';
import { resourcesQueryKey } from './keys';

/** One live change of a running domain, as the server's four PUT routes take it. */
export type ResourceChange =
  | { kind: 'memory'; body: DomainMemoryRequest }
  | { kind: 'vcpus'; body: VcpuSetRequest }
  | { kind: 'pin'; body: VcpuPinRequest }
  | { kind: 'sched'; body: SchedRequest };

const PATHS: Record<ResourceChange['kind'], string> = {
  memory: 'memory',
  vcpus: 'vcpus',
  pin: 'vcpus/pin',
  sched: 'sched',
};

/**
 * `PUT /api/v1/domains/:name/{memory,vcpus,vcpus/pin,sched}`: `xl mem-set`, `xl vcpu-set`,
 * `xl vcpu-pin`, `xl sched-credit2` on the running domain; with `persist: true` also written to
 * `<name>.cfg` (the answer's `persisted` lists each key before → after). Throws ApiError: 404
 * `DOMAIN_NOT_FOUND` / `CONFIG_NOT_FOUND`, 422 `INVALID_INPUT` (details.issues names the field),
 * `MEMORY_OUT_OF_RANGE`, 409 `CONFIG_CHANGED` (details.applied: the domain was changed anyway).
 */
export function changeResources(name: string, change: ResourceChange): Promise<LiveChangeResult> {
  return apiFetch(`/domains/${encodeURIComponent(name)}/${PATHS[change.kind]}`, {
    method: 'PUT',
    body: change.body,
    schema: liveChangeResultSchema,
  });
}

/** A change; afterwards the domain list and its resources are refetched. */
export function useChangeResources(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: ResourceChange) => changeResources(name, change),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: resourcesQueryKey(name) }),
        queryClient.invalidateQueries({ queryKey: domainsListQueryKey }),
      ]),
  });
}
