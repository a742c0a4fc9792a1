import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type CreateGuestAccepted,
  type CreateGuestRequest,
  createGuestAcceptedSchema,
} from '@xendeck/api';
import { applyTaskUpdate } from '@/features/tasks';
import { apiFetch } from '@/lib/api-client';

/**
 * `POST /api/v1/guests`: starts a `guest.create` task (new volumes, the config file, `xl create`
 * when `start`) and answers 202 `{task}` at once. Throws ApiError: 409 (`CONFIG_EXISTS`,
 * `DOMAIN_EXISTS`, a volume in use), 422 `INVALID_INPUT` (`details.issues[].path` names the field,
 * e.g. `disks.0.sizeBytes`), before any task starts.
 */
export function createGuest(request: CreateGuestRequest): Promise<CreateGuestAccepted> {
  return apiFetch('/guests', { method: 'POST', body: request, schema: createGuestAcceptedSchema });
}

/** The mutation; the accepted task goes into the tasks cache at once, so following it starts there. */
export function useCreateGuest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createGuest,
    onSuccess: ({ task }) => applyTaskUpdate(queryClient, task),
  });
}
