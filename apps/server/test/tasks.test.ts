/**
 * The task registry and `/api/v1/tasks`: lifecycle, steps and output, progress, failure with undo
 * in reverse order, persistence across an app rebuild, INTERRUPTED marking, list filters, the
 * `task.updated` events, 401 without a session, and `POST /domains/:name/start?async=1`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiErrorSchema,
  type EventMessage,
  eventMessageSchema,
  startResultSchema,
  type Task,
  taskAcceptedSchema,
  taskSchema,
} from '@xendeck/api';
import { HypervisorError } from '@xendeck/hypervisor';
import { pino } from 'pino';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openDatabase } from '../src/db.js';
import { ApiError } from '../src/errors.js';
import { TaskRegistry } from '../src/tasks/registry.js';
import { type Fixture, makeFixture } from './helpers.js';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.cleanup();
});

const silent = pino({ level: 'silent' });

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** POST with the JSON content type the API requires of mutations (no body). */
const post = (path: string) => f.admin.post(path).set('Content-Type', 'application/json');

async function getTask(id: string): Promise<Task> {
  const res = await f.admin.get(`/api/v1/tasks/${id}`);
  expect(res.status, res.text).toBe(200);
  return taskSchema.parse(res.body);
}

describe('TaskRegistry.run', () => {
  it('returns the task at once, queued, then runs it to succeeded with steps, output, result and times', async () => {
    const step2 = gate();
    const task = f.context.tasks.run(
      'test.run',
      { user: 'admin', target: 'domain:web-01', steps: ['one', 'two'] },
      async (t) => {
        await t.step('one', async (s) => {
          s.log('first line');
          s.log('second line\n');
        });
        await t.step('two', async (s) => {
          s.progress(0.5);
          await step2.promise;
        });
        return { answer: 42 };
      },
    );
    expect(task.state).toBe('queued');
    expect(task.id).toMatch(/^t-[0-9a-z]+-[0-9a-f]{8}$/);
    expect(task.steps.map((s) => s.state)).toEqual(['pending', 'pending']);

    // While step two waits: running, step one done, progress 0.5.
    await new Promise((r) => setTimeout(r, 50));
    const mid = await getTask(task.id);
    expect(mid.state).toBe('running');
    expect(mid.progress).toBe(0.5);
    expect(mid.steps.map((s) => s.state)).toEqual(['succeeded', 'running']);
    expect(mid.steps[0]?.output).toBe('first line\nsecond line\n');

    step2.open();
    const done = await f.context.tasks.settled(task.id);
    expect(done?.state).toBe('succeeded');
    const stored = await getTask(task.id);
    expect(stored).toMatchObject({
      state: 'succeeded',
      kind: 'test.run',
      user: 'admin',
      target: 'domain:web-01',
      result: { answer: 42 },
      error: null,
      progress: 1,
    });
    expect(stored.steps.map((s) => s.state)).toEqual(['succeeded', 'succeeded']);
    for (const t of [stored.createdAt, stored.startedAt, stored.endedAt]) {
      expect(new Date(t as string).toISOString()).toBe(t);
    }
    expect(Date.parse(stored.endedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(stored.startedAt as string),
    );
  });

  it("clamps progress to 0..1 and keeps only the last 64 KiB of a step's output", async () => {
    const task = f.context.tasks.run('test.run', { user: 'admin', target: 'x' }, async (t) => {
      t.progress(7);
      await t.step('noisy', async (s) => {
        for (let i = 0; i < 2000; i++) s.log(`line ${i} ${'x'.repeat(60)}`);
      });
    });
    const done = (await f.context.tasks.settled(task.id)) as Task;
    const output = done.steps[0]?.output ?? '';
    expect(output.length).toBe(64 * 1024);
    expect(output.endsWith(`line 1999 ${'x'.repeat(60)}\n`)).toBe(true);
    expect(output).not.toContain('line 0 ');
    expect(done.progress).toBe(1);
  });

  it('turns a failure into the task error, undoes earlier steps newest first, skips the rest', async () => {
    const undone: string[] = [];
    const task = f.context.tasks.run(
      'test.run',
      { user: 'admin', target: 't', steps: ['a', 'b', 'c', 'd'] },
      async (t) => {
        await t.step('a', async (s) => s.undo(() => void undone.push('a')));
        await t.step('b', async (s) =>
          s.undo(async () => {
            undone.push('b');
            throw new ApiError('INTERNAL', 'could not undo b');
          }),
        );
        await t.step('c', async (s) => {
          s.undo(() => void undone.push('c (never: it failed itself)'));
          s.log('about to fail');
          throw new HypervisorError('CREATE_FAILED', 'xl create said no');
        });
        await t.step('d', async () => {});
      },
    );
    const done = (await f.context.tasks.settled(task.id)) as Task;
    expect(undone).toEqual(['b', 'a']);
    expect(done.state).toBe('failed');
    expect(done.error).toEqual({ code: 'CREATE_FAILED', message: 'xl create said no' });
    expect(done.steps.map((s) => s.state)).toEqual(['succeeded', 'succeeded', 'failed', 'skipped']);
    expect(done.steps[0]?.undo).toEqual({ state: 'succeeded', error: null });
    expect(done.steps[1]?.undo).toEqual({
      state: 'failed',
      error: { code: 'INTERNAL', message: 'could not undo b' },
    });
    expect(done.steps[1]?.output).toContain('undo failed: could not undo b');
    expect(done.steps[2]?.undo).toBeNull();
    expect(done.steps[2]?.error?.code).toBe('CREATE_FAILED');
    expect(done.steps[2]?.output).toBe('about to fail\n');
    expect((await getTask(task.id)).steps[0]?.undo?.state).toBe('succeeded');
  });

  it('reports an unexpected error as INTERNAL without leaking its message, and logs it', async () => {
    const task = f.context.tasks.run('test.run', { user: 'admin', target: 't' }, async () => {
      throw new Error('secret internals');
    });
    const done = (await f.context.tasks.settled(task.id)) as Task;
    expect(done.error?.code).toBe('INTERNAL');
    expect(done.error?.message).not.toContain('secret');
    expect(f.logs.some((l) => l.msg === 'task failed unexpectedly')).toBe(true);
  });
});

describe('persistence', () => {
  it('keeps history across an app rebuild on the same state dir', async () => {
    const task = f.context.tasks.run('test.run', { user: 'admin', target: 'keep' }, async (t) =>
      t.step('only', async (s) => s.log('kept')),
    );
    await f.context.tasks.settled(task.id);
    const db2 = openDatabase(f.stateDir);
    try {
      const again = new TaskRegistry({ db: db2, logger: silent });
      const got = again.get(task.id);
      expect(got?.state).toBe('succeeded');
      expect(got?.steps[0]?.output).toBe('kept\n');
      expect(again.list({ limit: 10 }).map((t) => t.id)).toEqual([task.id]);
    } finally {
      db2.close();
    }
  });

  it('marks tasks left queued or running by a stopped server as failed INTERRUPTED', async () => {
    const never = gate();
    const task = f.context.tasks.run(
      'test.run',
      { user: 'admin', target: 'x', steps: ['hang', 'later'] },
      async (t) => {
        await t.step('hang', () => never.promise);
        await t.step('later', async () => {});
      },
    );
    await new Promise((r) => setTimeout(r, 30));
    expect((await getTask(task.id)).state).toBe('running');

    // A second server on the same state dir, as after a crash: the running task is interrupted.
    const db2 = openDatabase(f.stateDir);
    try {
      const changed: Task[] = [];
      const after = new TaskRegistry({ db: db2, logger: silent, onChange: (t) => changed.push(t) });
      const got = after.get(task.id) as Task;
      expect(got.state).toBe('failed');
      expect(got.error?.code).toBe('INTERRUPTED');
      expect(got.endedAt).not.toBeNull();
      expect(got.steps.map((s) => s.state)).toEqual(['failed', 'skipped']);
      expect(got.steps[0]?.error?.code).toBe('INTERRUPTED');
      expect(after.list({ limit: 10, state: 'running' })).toEqual([]);
    } finally {
      db2.close();
    }
    never.open();
    await f.context.tasks.settled(task.id);
  });
});

describe('GET /api/v1/tasks', () => {
  async function runMany(n: number, fail: (i: number) => boolean): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      f.clock.now += 1000;
      const t = f.context.tasks.run('test.run', { user: 'admin', target: `n${i}` }, async () => {
        if (fail(i)) throw new ApiError('INVALID_INPUT', `task ${i} fails`);
      });
      ids.push(t.id);
    }
    for (const id of ids) await f.context.tasks.settled(id);
    return ids;
  }

  it('lists newest first, honours ?limit= (default 50, max 500) and ?state=', async () => {
    const ids = await runMany(55, (i) => i % 5 === 0);
    const all = await f.admin.get('/api/v1/tasks');
    expect(all.status).toBe(200);
    const list = taskSchema.array().parse(all.body);
    expect(list).toHaveLength(50);
    expect(list.map((t) => t.id)).toEqual([...ids].reverse().slice(0, 50));

    const three = taskSchema.array().parse((await f.admin.get('/api/v1/tasks?limit=3')).body);
    expect(three.map((t) => t.target)).toEqual(['n54', 'n53', 'n52']);

    const failed = taskSchema
      .array()
      .parse((await f.admin.get('/api/v1/tasks?state=failed&limit=500')).body);
    expect(failed.map((t) => t.target)).toEqual([
      'n50',
      'n45',
      'n40',
      'n35',
      'n30',
      'n25',
      'n20',
      'n15',
      'n10',
      'n5',
      'n0',
    ]);
    expect(failed.every((t) => t.error?.code === 'INVALID_INPUT')).toBe(true);

    for (const bad of ['limit=0', 'limit=501', 'limit=abc', 'state=done']) {
      const res = await f.admin.get(`/api/v1/tasks?${bad}`);
      expect(res.status, bad).toBe(422);
      expect(apiErrorSchema.parse(res.body).error.code).toBe('INVALID_INPUT');
    }
  });

  it('answers 404 TASK_NOT_FOUND for an unknown id', async () => {
    const res = await f.admin.get('/api/v1/tasks/t-nope-00000000');
    expect(res.status).toBe(404);
    expect(apiErrorSchema.parse(res.body).error.code).toBe('TASK_NOT_FOUND');
  });

  it('answers 401 without a session', async () => {
    expect((await request(f.app).get('/api/v1/tasks')).status).toBe(401);
    expect((await request(f.app).get('/api/v1/tasks/x')).status).toBe(401);
    expect(
      (
        await request(f.app)
          .post('/api/v1/domains/web-01/start?async=1')
          .set('Content-Type', 'application/json')
      ).status,
    ).toBe(401);
  });
});

describe('task.updated events and POST /domains/:name/start?async=1', () => {
  it('starts a domain as a task: 202 {task}, events follow it to succeeded with the start result', async () => {
    const base = await f.listen();
    const ws = new WebSocket(`ws://127.0.0.1:${base.port}/api/v1/events`, {
      headers: { Cookie: f.adminCookie, Origin: base.url },
    });
    const events: EventMessage[] = [];
    ws.on('message', (d) => events.push(eventMessageSchema.parse(JSON.parse(String(d)))));
    await new Promise((r) => ws.once('open', r));

    writeFileSync(
      join(f.config.configDir, 'guest1.cfg'),
      'name = "guest1"\ntype = "pvh"\nmemory = 256\nvcpus = 1\n',
    );
    const res = await post('/api/v1/domains/guest1/start?async=1');
    expect(res.status, res.text).toBe(202);
    const { task } = taskAcceptedSchema.parse(res.body);
    expect(task).toMatchObject({ kind: 'domain.start', target: 'domain:guest1', user: 'admin' });

    const done = (await f.context.tasks.settled(task.id)) as Task;
    expect(done.state).toBe('succeeded');
    const result = startResultSchema.parse(done.result);
    expect(result.name).toBe('guest1');
    expect(await f.sim.domidByName('guest1')).toBe(result.domid);
    expect(done.steps[0]?.output).toContain(`started, domid ${result.domid}`);

    const deadline = Date.now() + 2000;
    const states = () =>
      events.flatMap((e) =>
        e.type === 'task.updated' && e.task.id === task.id ? [e.task.state] : [],
      );
    while (!states().includes('succeeded') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(states()[0]).toBe('queued');
    expect(states()).toContain('running');
    expect(states().at(-1)).toBe('succeeded');
    ws.close();

    // The same start again fails inside the task (the HTTP answer is still 202).
    const again = await post('/api/v1/domains/guest1/start?async=1');
    expect(again.status).toBe(202);
    const failed = (await f.context.tasks.settled(
      taskAcceptedSchema.parse(again.body).task.id,
    )) as Task;
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('DOMAIN_EXISTS');
    // Both starts were accepted (audit result ok); each row gets its task's outcome when it ends.
    await expect
      .poll(async () =>
        (await f.admin.get('/api/v1/audit?action=domain.start')).body.entries.map(
          (e: { result: string; details: { taskOutcome?: string } }) => [
            e.result,
            e.details.taskOutcome,
          ],
        ),
      )
      .toEqual([
        ['ok', 'DOMAIN_EXISTS'],
        ['ok', 'ok'],
      ]);
  });

  it('keeps the synchronous start as it was (201 StartResult)', async () => {
    writeFileSync(
      join(f.config.configDir, 'guest2.cfg'),
      'name = "guest2"\ntype = "pvh"\nmemory = 256\nvcpus = 1\n',
    );
    const res = await post('/api/v1/domains/guest2/start');
    expect(res.status, res.text).toBe(201);
    expect(startResultSchema.parse(res.body).name).toBe('guest2');
  });

  it('validates the domain name before making a task', async () => {
    const res = await post('/api/v1/domains/-bad/start?async=1');
    expect(res.status).toBe(422);
    expect(taskSchema.array().parse((await f.admin.get('/api/v1/tasks')).body)).toEqual([]);
  });
});
