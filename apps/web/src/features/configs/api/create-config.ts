import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type CreateConfigRequest,
  type CreateConfigResult,
  createConfigResultSchema,
} from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';
import { invalidateConfig } from './save-config';

/**
 * `POST /api/v1/configs`: creates `<configDir>/<name>.cfg` from a model (the server writes it with
 * xl-config's `formatXlConfig`; never overwrites). Resolves with name, path and ETag (201). Throws
 * ApiError: 409 `CONFIG_EXISTS`, 422 `INVALID_INPUT` (details name the field, e.g. `model.disk.0`).
 */
export function createConfig(request: CreateConfigRequest): Promise<CreateConfigResult> {
  return apiFetch('/configs', { method: 'POST', body: request, schema: createConfigResultSchema });
}

export function useCreateConfig() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createConfig,
    onSuccess: (result) => invalidateConfig(queryClient, result.name),
  });
}
