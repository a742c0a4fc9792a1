/**
 * Tasks: long operations (starting a domain; later creating volumes, uploads, guest creation)
 * that run in the background on the server and report steps, progress and a result. Kept in the
 * server's SQLite database (`apps/server/src/tasks/`), listed by `GET /api/v1/tasks`, one by
 * `GET /api/v1/tasks/:id`, and pushed as `{type: 'task.updated', task}` on `WS /api/v1/events`.
 */
import { z } from 'zod';

/**
 * What a task does: `domain.start` (`xl create` of a config), `domain.save` / `domain.restore`
 * (`xl save` / `xl restore`, saved-images.ts), `guest.create` (the create-guest
 * wizard), `volume.*` (LVM logical volumes), `image.*` (image files), `iso.checksum` (SHA-256 of
 * an ISO in the library). `test.*` kinds are used by the server's tests only.
 */
export const TASK_KINDS = [
  'domain.start',
  'domain.snapshot',
  'domain.revert',
  'domain.snapshot.remove',
  'domain.clone',
  'domain.save',
  'domain.restore',
  'guest.create',
  'volume.create',
  'volume.grow',
  'volume.snapshot',
  'volume.remove',
  'image.create',
  'image.remove',
  'iso.checksum',
  'test.run',
] as const;
export const taskKindSchema = z.enum(TASK_KINDS);
export type TaskKind = z.infer<typeof taskKindSchema>;

/** queued (created, not started) → running → succeeded | failed. */
export const taskStateSchema = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type TaskState = z.infer<typeof taskStateSchema>;

/** A step's state; `skipped` for steps never reached. */
export const taskStepStateSchema = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped']);
export type TaskStepState = z.infer<typeof taskStepStateSchema>;

/** Largest output kept per step: the last 64 KiB (65 536 UTF-16 code units) of its log. */
export const TASK_STEP_OUTPUT_MAX_CHARS = 64 * 1024;

/** `{code, message}` of a failed task or undo: the same codes as the API's errors (API.md). */
export const taskErrorSchema = z.object({ code: z.string(), message: z.string() });
export type TaskError = z.infer<typeof taskErrorSchema>;

/**
 * One step. `output`: what the step logged, newline-separated, truncated at the front to
 * {@link TASK_STEP_OUTPUT_MAX_CHARS}. `undo`: present when the step registered an undo action and a
 * later step failed: its state and error. Times are ISO 8601 (UTC) or null when not reached.
 */
export const taskStepSchema = z.object({
  name: z.string(),
  state: taskStepStateSchema,
  output: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  error: taskErrorSchema.nullable(),
  undo: z
    .object({
      state: z.enum(['succeeded', 'failed']),
      error: taskErrorSchema.nullable(),
    })
    .nullable(),
});
export type TaskStep = z.infer<typeof taskStepSchema>;

/**
 * A task. `id` is `t-<ms since epoch, base 36>-<8 hex>`; `user` the username that started it;
 * `target` what it acts on (`domain:<name>`); `progress` 0..1 or null when unknown; `result` the
 * operation's JSON result once succeeded; `error` once failed (`INTERRUPTED` when the server
 * stopped while it ran). Times ISO 8601 UTC; `startedAt`/`endedAt` null until reached.
 */
export const taskSchema = z.object({
  id: z.string(),
  kind: taskKindSchema,
  user: z.string(),
  target: z.string(),
  state: taskStateSchema,
  progress: z.number().min(0).max(1).nullable(),
  steps: z.array(taskStepSchema),
  result: z.unknown().optional(),
  error: taskErrorSchema.nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type Task = z.infer<typeof taskSchema>;

/** Most tasks `GET /api/v1/tasks` returns (`?limit=`, default {@link TASK_LIST_DEFAULT_LIMIT}). */
export const TASK_LIST_MAX_LIMIT = 500;
export const TASK_LIST_DEFAULT_LIMIT = 50;

/** `GET /api/v1/tasks` query: `limit` 1..500 (default 50), `state` one task state. */
export const taskListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(TASK_LIST_MAX_LIMIT).default(TASK_LIST_DEFAULT_LIMIT),
  state: taskStateSchema.optional(),
});
export type TaskListQuery = z.infer<typeof taskListQuerySchema>;

/** Answer of an operation started as a task (202): `{task}`, follow it by id or by events. */
export const taskAcceptedSchema = z.object({ task: taskSchema });
export type TaskAccepted = z.infer<typeof taskAcceptedSchema>;
