import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '@/lib/query-client';
import { task } from '@/test/fixtures';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { RunningTasksIndicator } from './running-tasks-indicator';
import { TaskLog } from './task-log';
import TasksPage from './tasks-page';
import { TasksTable } from './tasks-table';

afterEach(() => {
  vi.unstubAllGlobals();
});

const started = '2026-11-30T10:00:00.000Z';
const running = task({
  id: 't-run',
  kind: 'domain.start',
  target: 'domain:web1',
  state: 'running',
  progress: 0.42,
  startedAt: started,
  endedAt: null,
});
const failed = task({
  id: 't-fail',
  kind: 'domain.start',
  target: 'domain:db1',
  state: 'failed',
  progress: null,
  startedAt: started,
  endedAt: '2026-11-30T10:00:02.500Z',
  error: { code: 'CREATE_FAILED', message: 'xl create said no' },
  steps: [
    {
      name: 'create volume',
      state: 'succeeded',
      output: 'lvcreate -L 10G vg0\n',
      startedAt: started,
      endedAt: started,
      error: null,
      undo: { state: 'succeeded', error: null },
    },
    {
      name: 'xl create',
      state: 'failed',
      output: 'Parsing config from db1.cfg\n',
      startedAt: started,
      endedAt: started,
      error: { code: 'CREATE_FAILED', message: 'xl create said no' },
      undo: null,
    },
    {
      name: 'start console',
      state: 'skipped',
      output: '',
      startedAt: null,
      endedAt: null,
      error: null,
      undo: null,
    },
  ],
});

describe('<TasksTable>', () => {
  it('shows kind, target, user, state, progress and duration', () => {
    renderWithProviders(
      <TasksTable tasks={[running, failed]} nowMs={Date.parse(started) + 7000} />,
    );
    const row = screen.getByTestId('task-row-t-run');
    expect(within(row).getByText('domain.start')).toHaveAttribute('href', '/tasks/t-run');
    expect(within(row).getByText('domain:web1')).toBeInTheDocument();
    expect(within(row).getByTestId('task-state')).toHaveTextContent(/^running$/);
    expect(within(row).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '42');
    expect(within(row).getByTestId('task-duration')).toHaveTextContent('7 s');
    const failedRow = screen.getByTestId('task-row-t-fail');
    expect(within(failedRow).getByTestId('task-state')).toHaveTextContent(/^failed$/);
    expect(within(failedRow).getByTestId('task-duration')).toHaveTextContent('2 s');
    expect(within(failedRow).getByRole('progressbar')).not.toHaveAttribute('aria-valuenow');
  });
});

describe('<TaskLog>', () => {
  it('shows the error, each step with its state, output and undo outcome', () => {
    renderWithProviders(<TaskLog task={failed} />);
    expect(screen.getByRole('alert')).toHaveTextContent('CREATE_FAILED: xl create said no');
    const steps = screen.getAllByTestId('task-step');
    expect(steps.map((s) => within(s).getByTestId('task-step-state').textContent)).toEqual([
      'succeeded',
      'failed',
      'skipped',
    ]);
    expect(within(steps[0] as HTMLElement).getByTestId('task-step-undo')).toHaveTextContent(
      'undone',
    );
    expect(within(steps[1] as HTMLElement).getByTestId('task-step-output')).toHaveTextContent(
      'Parsing config from db1.cfg',
    );
    expect(within(steps[2] as HTMLElement).queryByTestId('task-step-output')).toBeNull();
  });
});

describe('<RunningTasksIndicator>', () => {
  it('counts running and queued tasks and links to /tasks; hidden when none', async () => {
    const { requests } = mockFetch(() =>
      jsonResponse(200, [running, failed, task({ id: 'q', state: 'queued' })]),
    );
    renderWithProviders(<RunningTasksIndicator />);
    const link = await screen.findByTestId('running-tasks');
    expect(link).toHaveTextContent('2 tasks running');
    expect(link).toHaveAttribute('href', '/tasks');
    expect(requests[0]?.url).toBe('/api/v1/tasks');
  });

  it('shows nothing when every task ended', async () => {
    const { fn } = mockFetch(() => jsonResponse(200, [failed]));
    renderWithProviders(<RunningTasksIndicator />);
    await waitFor(() => expect(fn).toHaveBeenCalled());
    expect(screen.queryByTestId('running-tasks')).toBeNull();
  });
});

describe('<TasksPage>', () => {
  it("lists the tasks and, at /tasks/:id, loads and shows that task's log", async () => {
    const { requests } = mockFetch((req) =>
      req.url.endsWith('/tasks/t-fail')
        ? jsonResponse(200, failed)
        : jsonResponse(200, [running, failed]),
    );
    render(
      <QueryClientProvider client={createQueryClient()}>
        <MemoryRouter initialEntries={['/tasks/t-fail']}>
          <Routes>
            <Route path="/tasks/:id?" element={<TasksPage />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    expect(await screen.findByTestId('task-row-t-run')).toBeInTheDocument();
    expect(screen.getByTestId('task-row-t-fail')).toHaveAttribute('aria-selected', 'true');
    const log = await screen.findByTestId('task-log');
    expect(within(log).getAllByTestId('task-step')).toHaveLength(3);
    expect(requests.map((r) => r.url).sort()).toEqual(['/api/v1/tasks', '/api/v1/tasks/t-fail']);
  });
});
