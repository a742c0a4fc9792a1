import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { type ConfigSaveResult, configSaveResultSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';
import { configQueryKey, configQueryOptions } from './get-config';
import { configHistoryQueryKey } from './get-config-history';
import { configsListQueryKey } from './get-configs';

export interface SaveConfigInput {
  name: string;
  /** The whole new file text. */
  text: string;
  /** ETag of the text the edit started from (`GET` answer), sent as `If-Match`. */
  etag: string;
}

/**
 * `PUT /api/v1/configs/:name` with `If-Match: <etag>`: writes `text` atomically, after keeping the
 * old bytes in the history. Resolves with the new ETag, the text's warnings and the history id.
 * Throws ApiError: 409 `CONFIG_CHANGED` (the file changed on disk; `details.currentEtag`), 422
 * `CONFIG_INVALID` (`details.errors`: diagnostics with line/column; nothing written), 428 without
 * If-Match.
 */
export function saveConfig({ name, text, etag }: SaveConfigInput): Promise<ConfigSaveResult> {
  return apiFetch(`/configs/${encodeURIComponent(name)}`, {
    method: 'PUT',
    body: { text },
    headers: { 'If-Match': etag },
    schema: configSaveResultSchema,
  });
}

/** Invalidates what a write to config `name` changes: its detail, its history, the file list. */
export function invalidateConfig(queryClient: QueryClient, name: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: configQueryKey(name) }),
    queryClient.invalidateQueries({ queryKey: configHistoryQueryKey(name) }),
    queryClient.invalidateQueries({ queryKey: configsListQueryKey }),
  ]);
}

/**
 * Saves a config. On success the cached detail gets the new text and ETag at once (so the editor
 * does not flash the old text), then detail, history and list are refetched.
 */
export function useSaveConfig() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveConfig,
    onSuccess: (result, input) => {
      queryClient.setQueryData(configQueryOptions(input.name).queryKey, (old) =>
        old ? { ...old, text: input.text, etag: result.etag } : old,
      );
      return invalidateConfig(queryClient, input.name);
    },
  });
}
