/**
 * The task registry: long operations that run in the background after their HTTP request answered
 * (202 `{task}`), with named steps, their output, progress, undo actions, and a result or an error.
 * It owns the `tasks` table (migration 4 in `db.ts`): every task is written there as it changes, so
 * history survives a restart; at construction, tasks left `queued`/`running` by a server that
 * stopped are marked `failed` with error code `INTERRUPTED`. Every change is also handed to
 * `onChange` (wired in `app.ts` to broadcast `{type: 'task.updated', task}` on `/api/v1/events`).
 *
 * Code that runs a task:
 *
 *     const task = registry.run('domain.start', { user, target: `domain:${name}` }, async (t) => {
 *       const lv = await t.step('create volume', async (s) => {
 *         s.log('lvcreate …'); s.progress(0.3);
 *         s.undo(async () => removeVolume());   // runs if a later step fails
 *         return created;
 *       });
 *       return { lv };                           // the task's result (JSON)
 *     });
 *
 * Errors thrown by the body (or a step) become the task's `error` through `toApiError`
 * (HypervisorError / ApiError code and message; anything else INTERNAL, logged). Then the undo
 * actions of the steps that succeeded run in reverse order, each outcome recorded on its step.
 */
import { randomBytes } from 'node:crypto';
import {
  TASK_STEP_OUTPUT_MAX_CHARS,
  type Task,
  type TaskError,
  type TaskKind,
  type TaskState,
  type TaskStep,
} from '@xendeck/api';
import type { Logger } from 'pino';
import type { Db } from '../db.js';
import { toApiError } from '../errors.js';

/** Error code of a task that was queued or running when the server stopped. */
export const TASK_INTERRUPTED = 'INTERRUPTED';

/** What a step's body may do while it runs. */
export interface StepContext {
  /** Appends a line to the step's output (the last 64 KiB are kept). */
  log(text: string): void;
  /** Sets the task's progress, 0..1 (clamped), or null when unknown. */
  progress(fraction: number | null): void;
  /** Registers an action that undoes this step; it runs (in reverse order) if a later step fails. */
  undo(fn: () => Promise<void> | void): void;
}

/** What a task's body may do. */
export interface TaskContext {
  /** The task's id. */
  readonly id: string;
  /** Runs one named step; resolves with the step's value, rethrows its error (the task fails). */
  step<T>(name: string, fn: (s: StepContext) => Promise<T>): Promise<T>;
  /** Sets the task's progress, 0..1 (clamped), or null when unknown. */
  progress(fraction: number | null): void;
}

export interface RunOptions {
  /** Username of who started it. */
  user: string;
  /** What it acts on, `domain:<name>` for domains. */
  target: string;
  /** Names of the steps known in advance: shown `pending`, then `skipped` if never reached. */
  steps?: readonly string[];
}

export interface TaskRegistryOptions {
  db: Db;
  logger: Logger;
  /** Called with the whole task after every change (coalesced to one call per `flushMs`). */
  onChange?: (task: Task) => void;
  /** Clock, ms since the epoch (default Date.now). */
  now?: () => number;
  /** Largest delay between a log/progress change and its write + broadcast, ms (default 200). */
  flushMs?: number;
}

interface Row {
  id: string;
  kind: string;
  username: string;
  target: string;
  state: TaskState;
  progress: number | null;
  steps: string;
  result: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

/** A task being run: its API shape with times in ms, plus undo actions per step index. */
interface Live {
  task: Task;
  undos: { stepIndex: number; fn: () => Promise<void> | void }[];
  timer: NodeJS.Timeout | undefined;
  done: Promise<Task>;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const ms = (s: string | null): number | null => (s === null ? null : Date.parse(s));

function rowToTask(r: Row): Task {
  const task: Task = {
    id: r.id,
    kind: r.kind as TaskKind,
    user: r.username,
    target: r.target,
    state: r.state,
    progress: r.progress,
    steps: JSON.parse(r.steps) as TaskStep[],
    error: r.error === null ? null : (JSON.parse(r.error) as TaskError),
    createdAt: iso(r.created_at) as string,
    startedAt: iso(r.started_at),
    endedAt: iso(r.ended_at),
  };
  if (r.result !== null) task.result = JSON.parse(r.result) as unknown;
  return task;
}

/** Keeps the last {@link TASK_STEP_OUTPUT_MAX_CHARS} characters of `output`. */
function bounded(output: string): string {
  return output.length > TASK_STEP_OUTPUT_MAX_CHARS
    ? output.slice(output.length - TASK_STEP_OUTPUT_MAX_CHARS)
    : output;
}

/** A step not started yet. */
function pendingStep(name: string): TaskStep {
  return {
    name,
    state: 'pending',
    output: '',
    startedAt: null,
    endedAt: null,
    error: null,
    undo: null,
  };
}

/** Task ids: `t-<ms since epoch, base 36>-<8 hex digits>`. */
function newTaskId(nowMs: number): string {
  return `t-${nowMs.toString(36)}-${randomBytes(4).toString('hex')}`;
}

export class TaskRegistry {
  private readonly db: Db;
  private readonly logger: Logger;
  private readonly onChange: (task: Task) => void;
  private readonly now: () => number;
  private readonly flushMs: number;
  private readonly live = new Map<string, Live>();

  constructor(opts: TaskRegistryOptions) {
    this.db = opts.db;
    this.logger = opts.logger.child({ component: 'tasks' });
    this.onChange = opts.onChange ?? (() => {});
    this.now = opts.now ?? Date.now;
    this.flushMs = opts.flushMs ?? 200;
    this.markInterrupted();
  }

  /**
   * Marks every task left `queued` or `running` (by a server that stopped) as `failed` with
   * `{code: 'INTERRUPTED'}`; its running step fails, its pending steps are skipped.
   */
  private markInterrupted(): void {
    const rows = this.db
      .prepare(`SELECT * FROM tasks WHERE state IN ('queued', 'running')`)
      .all() as Row[];
    const endedAt = this.now();
    const error: TaskError = {
      code: TASK_INTERRUPTED,
      message: 'The server stopped while the task ran',
    };
    for (const r of rows) {
      const task = rowToTask(r);
      for (const s of task.steps) {
        if (s.state === 'running') {
          s.state = 'failed';
          s.error = error;
          s.endedAt = iso(endedAt);
        } else if (s.state === 'pending') s.state = 'skipped';
      }
      task.state = 'failed';
      task.error = error;
      task.endedAt = iso(endedAt);
      this.write(task);
      this.logger.warn({ task: task.id, kind: task.kind }, 'task interrupted by a server stop');
    }
  }

  /**
   * Starts `body` as a task of `kind` and returns the task at once (state `queued`); the body
   * runs from the next turn of the event loop. Its resolved value becomes `result` (must be JSON).
   */
  run(kind: TaskKind, opts: RunOptions, body: (t: TaskContext) => Promise<unknown>): Task {
    const createdAt = this.now();
    const task: Task = {
      id: newTaskId(createdAt),
      kind,
      user: opts.user,
      target: opts.target,
      state: 'queued',
      progress: null,
      steps: (opts.steps ?? []).map(pendingStep),
      error: null,
      createdAt: iso(createdAt) as string,
      startedAt: null,
      endedAt: null,
    };
    const live: Live = { task, undos: [], timer: undefined, done: Promise.resolve(task) };
    this.live.set(task.id, live);
    this.flush(live);
    const snapshot = structuredClone(task);
    live.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.execute(live, body),
    );
    return snapshot;
  }

  /** Resolves with the task once it ended (succeeded or failed); the stored task if not live. */
  async settled(id: string): Promise<Task | undefined> {
    const live = this.live.get(id);
    return live ? live.done : this.get(id);
  }

  /** One task by id (the live copy while it runs), or undefined. */
  get(id: string): Task | undefined {
    const live = this.live.get(id);
    if (live) return structuredClone(live.task);
    const row = this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as Row | undefined;
    return row ? rowToTask(row) : undefined;
  }

  /** Tasks newest first (by creation time), at most `limit`, optionally only in `state`. */
  list(opts: { limit: number; state?: TaskState }): Task[] {
    for (const l of this.live.values()) if (l.timer) this.flush(l);
    const rows = (
      opts.state
        ? this.db
            .prepare(
              'SELECT * FROM tasks WHERE state = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
            )
            .all(opts.state, opts.limit)
        : this.db
            .prepare('SELECT * FROM tasks ORDER BY created_at DESC, rowid DESC LIMIT ?')
            .all(opts.limit)
    ) as Row[];
    return rows.map(rowToTask);
  }

  /** Waits (at most `timeoutMs`, default 5 s) for running tasks to end, then writes what is pending. */
  async close(timeoutMs = 5000): Promise<void> {
    const running = [...this.live.values()].map((l) => l.done);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(running),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    for (const l of this.live.values()) if (l.timer) this.flush(l);
  }

  private async execute(live: Live, body: (t: TaskContext) => Promise<unknown>): Promise<Task> {
    const { task } = live;
    task.state = 'running';
    task.startedAt = iso(this.now());
    this.flush(live);
    const setProgress = (fraction: number | null) => {
      task.progress =
        fraction === null || Number.isNaN(fraction) ? null : Math.min(1, Math.max(0, fraction));
      this.schedule(live);
    };
    const ctx: TaskContext = {
      id: task.id,
      progress: setProgress,
      step: async <T>(name: string, fn: (s: StepContext) => Promise<T>): Promise<T> => {
        let index = task.steps.findIndex((s) => s.name === name && s.state === 'pending');
        if (index < 0) {
          task.steps.push(pendingStep(name));
          index = task.steps.length - 1;
        }
        const step = task.steps[index] as TaskStep;
        step.state = 'running';
        step.startedAt = iso(this.now());
        this.flush(live);
        const s: StepContext = {
          log: (text) => {
            step.output = bounded(step.output + (text.endsWith('\n') ? text : `${text}\n`));
            this.schedule(live);
          },
          progress: setProgress,
          undo: (fn) => {
            live.undos.push({ stepIndex: index, fn });
          },
        };
        try {
          const value = await fn(s);
          step.state = 'succeeded';
          return value;
        } catch (err) {
          step.state = 'failed';
          step.error = this.toTaskError(err, task);
          // Undo actions registered by this failed step itself are not run: only those of steps
          // that completed (the failed step is responsible for its own partial work).
          live.undos = live.undos.filter((u) => u.stepIndex !== index);
          throw err;
        } finally {
          step.endedAt = iso(this.now());
          this.flush(live);
        }
      },
    };
    try {
      const result = await body(ctx);
      task.state = 'succeeded';
      if (result !== undefined) task.result = JSON.parse(JSON.stringify(result)) as unknown;
      if (task.progress !== null) task.progress = 1;
    } catch (err) {
      task.error = this.toTaskError(err, task);
      await this.runUndos(live);
      task.state = 'failed';
    }
    for (const s of task.steps) if (s.state === 'pending') s.state = 'skipped';
    task.endedAt = iso(this.now());
    this.flush(live);
    this.live.delete(task.id);
    this.logger.info(
      {
        task: task.id,
        kind: task.kind,
        target: task.target,
        user: task.user,
        state: task.state,
        error: task.error?.code,
        ms: (ms(task.endedAt) ?? 0) - (ms(task.startedAt) ?? 0),
      },
      'task ended',
    );
    return structuredClone(task);
  }

  /** Runs the registered undo actions, newest first; records each outcome on its step. */
  private async runUndos(live: Live): Promise<void> {
    for (const u of [...live.undos].reverse()) {
      const step = live.task.steps[u.stepIndex] as TaskStep;
      try {
        await u.fn();
        step.undo = { state: 'succeeded', error: null };
        step.output = bounded(`${step.output}undone\n`);
      } catch (err) {
        const error = this.toTaskError(err, live.task);
        step.undo = { state: 'failed', error };
        step.output = bounded(`${step.output}undo failed: ${error.message}\n`);
      }
      this.flush(live);
    }
    live.undos = [];
  }

  private toTaskError(err: unknown, task: Task): TaskError {
    const e = toApiError(err);
    if (e.code === 'INTERNAL')
      this.logger.error({ err, task: task.id }, 'task failed unexpectedly');
    return { code: e.code, message: e.message };
  }

  /** Writes + broadcasts within `flushMs` (for frequent changes: log lines, progress). */
  private schedule(live: Live): void {
    if (live.timer) return;
    live.timer = setTimeout(() => this.flush(live), this.flushMs);
    live.timer.unref();
  }

  /** Writes the task and hands a copy to `onChange` now. Failures are logged, not thrown. */
  private flush(live: Live): void {
    if (live.timer) {
      clearTimeout(live.timer);
      live.timer = undefined;
    }
    try {
      this.write(live.task);
    } catch (err) {
      this.logger.error({ err, task: live.task.id }, 'could not store a task');
      return;
    }
    try {
      this.onChange(structuredClone(live.task));
    } catch (err) {
      this.logger.warn({ err, task: live.task.id }, 'task change listener failed');
    }
  }

  private write(task: Task): void {
    this.db
      .prepare(
        `INSERT INTO tasks (id, kind, username, target, state, progress, steps, result, error,
                            created_at, started_at, ended_at)
         VALUES (@id, @kind, @username, @target, @state, @progress, @steps, @result, @error,
                 @created_at, @started_at, @ended_at)
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, progress = excluded.progress,
           steps = excluded.steps, result = excluded.result, error = excluded.error,
           started_at = excluded.started_at, ended_at = excluded.ended_at`,
      )
      .run({
        id: task.id,
        kind: task.kind,
        username: task.user,
        target: task.target,
        state: task.state,
        progress: task.progress,
        steps: JSON.stringify(task.steps),
        result: task.result === undefined ? null : JSON.stringify(task.result),
        error: task.error === null ? null : JSON.stringify(task.error),
        created_at: ms(task.createdAt),
        started_at: ms(task.startedAt),
        ended_at: ms(task.endedAt),
      });
  }
}
