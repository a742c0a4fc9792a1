import { QueryClient } from '@tanstack/react-query';
import type { Task } from '@xendeck/api';
import { describe, expect, it } from 'vitest';
import { applyEvent } from '@/features/events';
import { task } from '@/test/fixtures';
import { taskQueryKey } from '../api/get-task';
import { tasksListQueryKey } from '../api/get-tasks';
import { activeTasks, formatTaskDuration, upsertTask } from './apply-task-event';

const older = task({ id: 't-1', createdAt: '2026-11-30T10:00:00.000Z', state: 'succeeded' });
const newer = task({ id: 't-2', createdAt: '2026-11-30T11:00:00.000Z', state: 'running' });

describe('upsertTask', () => {
  it('replaces the task with the same id in place', () => {
    const done = { ...newer, state: 'succeeded' as const };
    expect(upsertTask([newer, older], done)).toEqual([done, older]);
  });

  it('inserts a new task newest first', () => {
    const newest = task({ id: 't-3', createdAt: '2026-11-30T12:00:00.000Z' });
    expect(upsertTask([newer, older], newest)?.map((t) => t.id)).toEqual(['t-3', 't-2', 't-1']);
    const between = task({ id: 't-4', createdAt: '2026-11-30T10:30:00.000Z' });
    expect(upsertTask([newer, older], between)?.map((t) => t.id)).toEqual(['t-2', 't-4', 't-1']);
  });

  it('leaves a list never loaded undefined', () => {
    expect(upsertTask(undefined, newer)).toBeUndefined();
  });
});

describe('applyEvent task.updated', () => {
  it('patches the list and the detail of that task', () => {
    const qc = new QueryClient();
    qc.setQueryData<Task[]>(tasksListQueryKey, [newer, older]);
    qc.setQueryData<Task>(taskQueryKey('t-2'), newer);
    const done = { ...newer, state: 'failed' as const, error: { code: 'X', message: 'm' } };
    applyEvent(qc, { type: 'task.updated', task: done });
    expect(qc.getQueryData<Task[]>(tasksListQueryKey)?.[0]?.state).toBe('failed');
    expect(qc.getQueryData<Task>(taskQueryKey('t-2'))).toEqual(done);
  });
});

describe('activeTasks and formatTaskDuration', () => {
  it('counts queued and running tasks only', () => {
    const queued = task({ id: 'q', state: 'queued' });
    expect(activeTasks([older, newer, queued]).map((t) => t.id)).toEqual(['t-2', 'q']);
  });

  it('formats from startedAt to endedAt, or to now while running', () => {
    const started = '2026-11-30T10:00:00.000Z';
    const t0 = Date.parse(started);
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    expect(formatTaskDuration(task({ id: 'a', startedAt: null }), t0)).toBe('—');
    expect(formatTaskDuration(task({ id: 'a', startedAt: started, endedAt: at(850) }), 0)).toBe(
      '850 ms',
    );
    expect(
      formatTaskDuration(task({ id: 'a', startedAt: started, endedAt: null }), t0 + 12_400),
    ).toBe('12 s');
    expect(formatTaskDuration(task({ id: 'a', startedAt: started, endedAt: at(185_000) }), 0)).toBe(
      '3 min 05 s',
    );
    expect(
      formatTaskDuration(task({ id: 'a', startedAt: started, endedAt: at(3_720_000) }), 0),
    ).toBe('1 h 02 min');
  });
});
