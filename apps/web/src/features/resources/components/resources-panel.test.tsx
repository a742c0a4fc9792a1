import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DomainMemory, DomainSched, DomainVcpus, LiveChangeResult } from '@xendeck/api';
import { describe, expect, it } from 'vitest';
import { domain } from '@/test/fixtures';
import { jsonResponse, mockFetch, type RecordedRequest, renderWithProviders } from '@/test/render';
import { checkCpuList, checkWholeNumber } from '../lib/checks';
import { ResourcesPanel } from './resources-panel';

const lc1 = domain({
  domid: 5,
  name: 'lc1',
  type: 'pv',
  state: 'blocked',
  memoryKiB: 256 * 1024,
  maxMemoryKiB: 512 * 1024,
  vcpus: 1,
  maxVcpus: 2,
});
const win = domain({ domid: 6, name: 'win', type: 'hvm', state: 'running' });

/** A small server: lc1 (PV, 1 of 2 vCPUs, 256 of 512 MiB) and win (HVM, one CD drive). */
function serve() {
  const memory: DomainMemory = {
    name: 'lc1',
    domid: 5,
    currentMiB: 256,
    minMiB: 32,
    maxMiB: 512,
    targetMiB: 256,
  };
  const vcpus: DomainVcpus = {
    name: 'lc1',
    domid: 5,
    online: 1,
    maxVcpus: 2,
    hostCpus: 4,
    vcpus: [
      {
        vcpu: 0,
        cpu: 2,
        state: 'blocked',
        online: true,
        cpuTimeNs: 12_300_000_000,
        hardAffinity: 'all',
        softAffinity: 'all',
      },
      {
        vcpu: 1,
        cpu: null,
        state: 'offline',
        online: false,
        cpuTimeNs: 0,
        hardAffinity: 'all',
        softAffinity: 'all',
      },
    ],
  };
  const sched: DomainSched = {
    name: 'lc1',
    domid: 5,
    scheduler: 'credit2',
    weight: 256,
    cap: 0,
    maxCap: 200,
  };
  const ok = (
    command: string,
    persisted: LiveChangeResult['persisted'] = null,
  ): LiveChangeResult => ({
    name: 'lc1',
    domid: 5,
    command,
    persisted,
  });
  return mockFetch((req: RecordedRequest) => {
    const path = req.url.replace('/api/v1', '');
    const body = req.body as Record<string, unknown>;
    if (path === '/domains') return jsonResponse(200, [lc1, win]);
    if (path === '/domains/lc1/memory' && req.method === 'GET') return jsonResponse(200, memory);
    if (path === '/domains/lc1/vcpus' && req.method === 'GET') return jsonResponse(200, vcpus);
    if (path === '/domains/lc1/sched' && req.method === 'GET') return jsonResponse(200, sched);
    if (path === '/domains/lc1/memory') {
      memory.currentMiB = body.targetMiB as number;
      memory.targetMiB = body.targetMiB as number;
      return jsonResponse(
        200,
        ok(
          `xl mem-set lc1 ${body.targetMiB}m`,
          body.persist
            ? {
                path: '/etc/xen/lc1.cfg',
                changes: [{ key: 'memory', before: '256', after: String(body.targetMiB) }],
                written: true,
                etag: `"${'a'.repeat(32)}"`,
                versionId: 7,
              }
            : null,
        ),
      );
    }
    if (path === '/domains/lc1/vcpus') {
      vcpus.online = body.count as number;
      return jsonResponse(200, ok(`xl vcpu-set lc1 ${body.count}`));
    }
    if (path === '/domains/lc1/vcpus/pin') {
      const v = vcpus.vcpus[body.vcpu as number];
      if (v) v.hardAffinity = body.hard as string;
      return jsonResponse(200, ok(`xl vcpu-pin lc1 ${body.vcpu} ${body.hard}`));
    }
    if (path === '/domains/lc1/sched') {
      return jsonResponse(200, ok(`xl sched-credit2 -d lc1 -w ${body.weight} -c ${body.cap}`));
    }
    if (path === '/domains/win/cdrom') {
      return jsonResponse(200, {
        name: 'win',
        domid: 6,
        hvm: true,
        drives: [{ vdev: 'hdc', target: null, iso: null }],
      });
    }
    if (path.startsWith('/domains/win/'))
      return jsonResponse(409, { error: { code: 'INVALID_STATE', message: 'x' } });
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: req.url } });
  });
}

const puts = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.method === 'PUT').map((r) => [r.url, r.body]);

describe('checks', () => {
  it('whole numbers within a range, CPU lists by the xl parser', () => {
    expect(checkWholeNumber('3', 1, 2, 'The vCPU count')).toEqual({
      ok: false,
      message: 'The vCPU count is 1–2; 3 is outside.',
    });
    expect(checkWholeNumber(' 2 ', 1, 2, 'x')).toEqual({ ok: true, value: 2 });
    expect(checkWholeNumber('1.5', 1, 2, 'x').ok).toBe(false);
    expect(checkCpuList('0-1,3', 4)).toEqual({ ok: true, text: '0-1,3' });
    expect(checkCpuList('4', 4)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/CPUs 0-3/),
    });
  });
});

describe('<ResourcesPanel>', () => {
  it('shows memory, the vCPU table like xl vcpu-list and credit2, with the xl commands', async () => {
    serve();
    renderWithProviders(<ResourcesPanel name="lc1" />);
    expect(await screen.findByTestId('resources-memory-current')).toHaveTextContent('256');
    const row0 = await screen.findByTestId('vcpu-row-0');
    expect(within(row0).getByTestId('vcpu-cpu')).toHaveTextContent('2');
    expect(within(row0).getByTestId('vcpu-state')).toHaveTextContent('blocked');
    expect(row0).toHaveTextContent('12.3');
    expect(within(screen.getByTestId('vcpu-row-1')).getByTestId('vcpu-state')).toHaveTextContent(
      'offline',
    );
    expect(await screen.findByTestId('resources-weight')).toHaveValue(256);
    expect(screen.getByText('xl mem-set lc1 256m')).toBeInTheDocument();
    expect(screen.getByText('xl vcpu-set lc1 1')).toBeInTheDocument();
    expect(screen.getByText('xl vcpu-pin lc1 all all')).toBeInTheDocument();
    expect(screen.getByText('xl sched-credit2 -d lc1 -w 256 -c 0')).toBeInTheDocument();
    expect(screen.queryByTestId('resources-cdrom')).toBeNull();
  });

  it('sets memory with "Also write to lc1.cfg" and says what was written', async () => {
    const { requests } = serve();
    const user = userEvent.setup();
    renderWithProviders(<ResourcesPanel name="lc1" />);
    const input = await screen.findByTestId('resources-memory-input');
    await user.clear(input);
    await user.type(input, '600');
    expect(screen.getByText('The target is 32–512 MiB; 600 is outside.')).toBeInTheDocument();
    expect(screen.getByTestId('resources-memory-apply')).toBeDisabled();
    await user.clear(input);
    await user.type(input, '320');
    expect(screen.getByText('xl mem-set lc1 320m')).toBeInTheDocument();
    await user.click(screen.getByTestId('resources-memory-persist'));
    await user.click(screen.getByTestId('resources-memory-apply'));
    const outcome = await screen.findByTestId('resources-memory-outcome');
    expect(outcome).toHaveTextContent(
      'Written to /etc/xen/lc1.cfg: memory 256 → 320 (history version 7)',
    );
    expect(puts(requests)).toEqual([
      ['/api/v1/domains/lc1/memory', { targetMiB: 320, persist: true }],
    ]);
    await waitFor(() =>
      expect(screen.getByTestId('resources-memory-current')).toHaveTextContent('320'),
    );
  });

  it('without the checkbox the answer says the config file was not changed', async () => {
    const { requests } = serve();
    const user = userEvent.setup();
    renderWithProviders(<ResourcesPanel name="lc1" />);
    const input = await screen.findByTestId('resources-vcpus-input');
    await user.clear(input);
    await user.type(input, '3');
    expect(screen.getByTestId('resources-vcpus-apply')).toBeDisabled();
    await user.clear(input);
    await user.type(input, '2');
    await user.click(screen.getByTestId('resources-vcpus-apply'));
    expect(await screen.findByTestId('resources-vcpus-outcome')).toHaveTextContent(
      'Done: xl vcpu-set lc1 2. The config file was not changed.',
    );
    expect(puts(requests)).toEqual([['/api/v1/domains/lc1/vcpus', { count: 2, persist: false }]]);
  });

  it('pins one vCPU; a CPU list the host lacks is refused at the field', async () => {
    const { requests } = serve();
    const user = userEvent.setup();
    renderWithProviders(<ResourcesPanel name="lc1" />);
    await user.selectOptions(await screen.findByTestId('resources-pin-vcpu'), '1');
    const hard = screen.getByTestId('resources-pin-hard');
    await user.clear(hard);
    await user.type(hard, '0-4');
    expect(screen.getByText(/hard: "0-4": the host has CPUs 0-3/)).toBeInTheDocument();
    expect(screen.getByTestId('resources-pin-apply')).toBeDisabled();
    await user.clear(hard);
    await user.type(hard, '0-1');
    expect(screen.getByText('xl vcpu-pin lc1 1 0-1')).toBeInTheDocument();
    await user.click(screen.getByTestId('resources-pin-apply'));
    await waitFor(() =>
      expect(within(screen.getByTestId('vcpu-row-1')).getByTestId('vcpu-hard')).toHaveTextContent(
        '0-1',
      ),
    );
    expect(puts(requests)).toEqual([
      ['/api/v1/domains/lc1/vcpus/pin', { vcpu: 1, hard: '0-1', persist: false }],
    ]);
  });

  it('sets credit2 weight and cap within 1–65535 and 0..maxCap', async () => {
    const { requests } = serve();
    const user = userEvent.setup();
    renderWithProviders(<ResourcesPanel name="lc1" />);
    const weight = await screen.findByTestId('resources-weight');
    await user.clear(weight);
    await user.type(weight, '512');
    const cap = screen.getByTestId('resources-cap');
    await user.clear(cap);
    await user.type(cap, '201');
    expect(screen.getByText(/The cap \(%\) is 0–200; 201 is outside/)).toBeInTheDocument();
    await user.clear(cap);
    await user.type(cap, '50');
    await user.click(screen.getByTestId('resources-sched-persist'));
    await user.click(screen.getByTestId('resources-sched-apply'));
    await screen.findByTestId('resources-sched-outcome');
    expect(puts(requests)).toEqual([
      ['/api/v1/domains/lc1/sched', { weight: 512, cap: 50, persist: true }],
    ]);
  });

  it('offers the CD menu for an HVM guest, and says when the domain is not running', async () => {
    serve();
    const { unmount } = renderWithProviders(<ResourcesPanel name="win" />);
    const cd = await screen.findByTestId('resources-cdrom');
    await waitFor(() =>
      expect(within(cd).getByTestId('cdrom-menu-button')).toHaveTextContent('CD: Empty'),
    );
    unmount();
    renderWithProviders(<ResourcesPanel name="gone" />);
    expect(await screen.findByTestId('resources-not-running')).toHaveTextContent(
      'gone is not running',
    );
  });
});
