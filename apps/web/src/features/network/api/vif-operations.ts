/**
 * Attach and detach a vif of a running domain: `POST /domains/:name/vifs` (`xl network-attach`)
 * and `DELETE /domains/:name/vifs/:devid[?persist=1]` (`xl network-detach`); with persist each
 * also edits `vif = [...]` of `<name>.cfg`. Afterwards the domain's vifs and the bridge view are
 * refetched. Each throws ApiError: 404 DOMAIN_NOT_FOUND / BRIDGE_NOT_FOUND / VIF_NOT_FOUND /
 * CONFIG_NOT_FOUND, 409 INVALID_STATE / VIF_NOT_IN_CONFIG / CONFIG_CHANGED (details.applied: the
 * domain was changed anyway), 422 INVALID_INPUT, 500 LIBXL_ERROR (xl's output in the message).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type LiveChangeResult,
  liveChangeResultSchema,
  type VifAttachRequest,
  type VifAttachResult,
  vifAttachResultSchema,
} from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';
import { networkQueryKey } from './get-bridges';
import { domainVifsQueryKey } from './get-domain-vifs';

const e = encodeURIComponent;

export function attachVif(name: string, body: VifAttachRequest): Promise<VifAttachResult> {
  return apiFetch(`/domains/${e(name)}/vifs`, {
    method: 'POST',
    body,
    schema: vifAttachResultSchema,
  });
}

export function detachVif(
  name: string,
  devid: number,
  persist: boolean,
): Promise<LiveChangeResult> {
  return apiFetch(`/domains/${e(name)}/vifs/${devid}${persist ? '?persist=1' : ''}`, {
    method: 'DELETE',
    body: {},
    schema: liveChangeResultSchema,
  });
}

function useInvalidateNetwork(name: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: domainVifsQueryKey(name) }),
      queryClient.invalidateQueries({ queryKey: networkQueryKey }),
    ]);
}

export function useAttachVif(name: string) {
  const invalidate = useInvalidateNetwork(name);
  return useMutation({
    mutationFn: (body: VifAttachRequest) => attachVif(name, body),
    onSettled: invalidate,
  });
}

export function useDetachVif(name: string) {
  const invalidate = useInvalidateNetwork(name);
  return useMutation({
    mutationFn: ({ devid, persist }: { devid: number; persist: boolean }) =>
      detachVif(name, devid, persist),
    onSettled: invalidate,
  });
}
