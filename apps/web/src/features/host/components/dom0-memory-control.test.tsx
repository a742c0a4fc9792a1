import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { host } from '@/test/fixtures';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { Dom0MemoryControl } from './dom0-memory-control';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('<Dom0MemoryControl>', () => {
  it('shows current memory, target and limits', () => {
    mockFetch(() => jsonResponse(200, {}));
    renderWithProviders(
      <Dom0MemoryControl host={host({}, { memoryMiB: 2047.9, targetMiB: 2048 })} />,
    );
    expect(screen.getByTestId('dom0-current')).toHaveTextContent(/^2047$/);
    expect(screen.getByTestId('dom0-target-input')).toHaveValue(2048);
    expect(screen.getByText('512 MiB')).toBeInTheDocument();
    expect(screen.getByText('4096 MiB')).toBeInTheDocument();
    expect(screen.getByRole('slider')).toHaveAttribute('min', '512');
    expect(screen.getByRole('slider')).toHaveAttribute('max', '4096');
  });

  it('disables Apply with a message outside min..max, and sends nothing', async () => {
    const user = userEvent.setup();
    const { requests } = mockFetch(() => new Response(null, { status: 204 }));
    renderWithProviders(<Dom0MemoryControl host={host()} />);
    const input = screen.getByTestId('dom0-target-input');

    await user.clear(input);
    await user.type(input, '256');
    expect(screen.getByRole('button', { name: 'Apply' })).toBeDisabled();
    // The domain rules' range message (`checkMemoryTargetMiB`, lib/memory-target.ts).
    expect(screen.getByText('The target is 512–4096 MiB; 256 is outside.')).toBeInTheDocument();
    expect(input).toHaveAttribute('aria-invalid', 'true');

    await user.clear(input);
    await user.type(input, '8192');
    expect(screen.getByRole('button', { name: 'Apply' })).toBeDisabled();
    expect(screen.getByText('The target is 512–4096 MiB; 8192 is outside.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(requests).toHaveLength(0);
  });

  it('sends PUT /host/dom0/memory {targetMiB} and shows the xl command', async () => {
    const user = userEvent.setup();
    const { requests } = mockFetch((req) =>
      req.method === 'PUT'
        ? new Response(null, { status: 204 })
        : jsonResponse(200, host({}, { targetMiB: 1024 })),
    );
    renderWithProviders(<Dom0MemoryControl host={host()} />);
    const input = screen.getByTestId('dom0-target-input');
    await user.clear(input);
    await user.type(input, '1024');
    expect(screen.getByText('xl mem-set Domain-0 1024m')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Apply' }));

    await waitFor(() => expect(requests.some((r) => r.method === 'PUT')).toBe(true));
    const put = requests.find((r) => r.method === 'PUT');
    expect(put).toMatchObject({
      url: '/api/v1/host/dom0/memory',
      body: { targetMiB: 1024 },
      headers: { 'content-type': 'application/json' },
    });
  });

  it('shows ballooning progress while dom0 differs from its target', () => {
    mockFetch(() => jsonResponse(200, {}));
    renderWithProviders(
      <Dom0MemoryControl host={host({}, { memoryMiB: 1800, targetMiB: 1024 })} />,
    );
    expect(screen.getByText(/ballooning… 1800 MiB → 1024 MiB/)).toBeInTheDocument();
  });

  it("shows the server's refusal in an alert", async () => {
    const user = userEvent.setup();
    mockFetch(() =>
      jsonResponse(422, {
        error: { code: 'MEMORY_OUT_OF_RANGE', message: 'target above static-max 4096 MiB' },
      }),
    );
    renderWithProviders(<Dom0MemoryControl host={host()} />);
    const input = screen.getByTestId('dom0-target-input');
    await user.clear(input);
    await user.type(input, '3000');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('target above static-max 4096 MiB');
    expect(alert).toHaveTextContent('MEMORY_OUT_OF_RANGE');
  });
});
