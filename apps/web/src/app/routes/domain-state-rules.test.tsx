/**
 * The domain page offers exactly what `@xendeck/api`'s domain rules allow in each state (the table
 * both hypervisor backends enforce): each power button and Save is enabled iff the rule allows it,
 * and a disabled one carries the rule's refusal as its tooltip (an enabled one its `xl` command).
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import {
  ALLOWED_STATES,
  checkDomainState,
  DOMAIN_OPERATIONS,
  DOMAIN_STATES,
  type DomainOperation,
  type DomainState,
} from '@xendeck/api';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NoticesProvider } from '@/components/notices';
import { FakeWebSocket } from '@/test/fake-websocket';
import { domain } from '@/test/fixtures';
import { createTestQueryClient, jsonResponse, mockFetch } from '@/test/render';
import { DomainRoute } from './domain';

vi.mock('uplot', async () => ({ default: (await import('@/test/fake-uplot')).FakeUPlot }));
vi.mock('@novnc/novnc');

/** The button label of each operation on the page. */
const LABEL: Record<DomainOperation, string> = {
  shutdown: 'Shutdown',
  reboot: 'Reboot',
  destroy: 'Destroy',
  pause: 'Pause',
  unpause: 'Resume',
};

let state: DomainState;
beforeEach(() => {
  FakeWebSocket.reset();
  vi.stubGlobal('WebSocket', FakeWebSocket);
  mockFetch((req) => {
    if (req.url === '/api/v1/domains') {
      return jsonResponse(200, [domain({ domid: 7, name: 'web1', type: 'hvm', state })]);
    }
    if (req.url === '/api/v1/configs') return jsonResponse(200, []);
    if (req.url === '/api/v1/saved-images') {
      return jsonResponse(200, { dir: '/var/lib/xen/save', images: [] });
    }
    if (req.url.startsWith('/api/v1/domains/web1/cdrom')) return jsonResponse(200, { drives: [] });
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: req.url } });
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

function renderDomainPage() {
  return render(
    <QueryClientProvider
      client={createTestQueryClient({
        username: 'admin',
        role: 'admin',
        totpEnabled: false,
        backend: 'simulated',
      })}
    >
      <NoticesProvider>
        <MemoryRouter initialEntries={['/domains/web1']}>
          <Routes>
            <Route path="/domains/:name" element={<DomainRoute />} />
          </Routes>
        </MemoryRouter>
      </NoticesProvider>
    </QueryClientProvider>,
  );
}

describe('domain page: operations by state (domain rules)', () => {
  it('the table covers every state of domainStateSchema and allows destroy in each', () => {
    expect(DOMAIN_STATES).toHaveLength(6);
    for (const s of DOMAIN_STATES) expect(ALLOWED_STATES.destroy).toContain(s);
  });

  it.each(DOMAIN_STATES)(
    '%s: each power button and Save enabled iff the rule allows it',
    async (s) => {
      state = s;
      renderDomainPage();
      const header = await screen.findByRole('button', { name: 'Reboot' });
      const actions = within(header.parentElement as HTMLElement);
      const enabled: string[] = [];
      for (const op of DOMAIN_OPERATIONS) {
        const button = actions.getByRole('button', { name: LABEL[op] });
        const rule = checkDomainState(op, 7, s);
        expect(button.hasAttribute('disabled'), `${op} in ${s}`).toBe(!rule.ok);
        expect(button).toHaveAttribute('title', rule.ok ? `xl ${op} web1` : rule.message);
        if (rule.ok) enabled.push(op);
      }
      // The same set as the table, written out so a change of the table shows here.
      const expected: Record<DomainState, DomainOperation[]> = {
        running: ['shutdown', 'reboot', 'destroy', 'pause'],
        blocked: ['shutdown', 'reboot', 'destroy', 'pause'],
        paused: ['destroy', 'unpause'],
        shutdown: ['destroy'],
        crashed: ['destroy'],
        dying: ['destroy'],
      };
      expect(enabled).toEqual(expected[s]);
      const save = screen.getByTestId('save-domain-button');
      const saveRule = checkDomainState('save', 7, s);
      expect(save.hasAttribute('disabled'), `save in ${s}`).toBe(!saveRule.ok);
      expect(saveRule.ok).toBe(['running', 'blocked', 'paused'].includes(s));
      if (!saveRule.ok) expect(save).toHaveAttribute('title', saveRule.message);
    },
  );
});
