import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ConsoleStatus, Domain } from '@xendeck/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyEvent } from '@/features/events';
import { FakeRFB } from '@/test/fake-rfb';
import { FakeWebSocket } from '@/test/fake-websocket';
import { FakeTerminal } from '@/test/fake-xterm';
import { consoleStatus, dom0, domain } from '@/test/fixtures';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import ConsoleTab, { offeredConsoles } from './console-tab';
import { SCALE_STORAGE_KEY } from './vnc-console';

vi.mock('@novnc/novnc');
vi.mock('@xterm/xterm');
vi.mock('@xterm/addon-fit');
vi.mock('@xterm/addon-search');
vi.mock('@xterm/addon-web-links');

const win1 = domain({ domid: 5, name: 'win1', type: 'hvm', state: 'running' });
const pv1 = domain({ domid: 6, name: 'pv1', type: 'pv', state: 'blocked' });

function serve(status: ConsoleStatus, domains: Domain[] = [dom0, win1, pv1]) {
  return mockFetch((req) => {
    if (req.url.endsWith('/console')) return jsonResponse(200, status);
    if (req.url === '/api/v1/domains') return jsonResponse(200, domains);
    if (req.url === '/api/v1/session')
      return jsonResponse(200, {
        username: 'admin',
        role: 'admin',
        totpEnabled: false,
        backend: 'simulated',
      });
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: req.url } });
  });
}

beforeEach(() => {
  FakeWebSocket.reset();
  FakeRFB.instances = [];
  FakeTerminal.instances = [];
  localStorage.clear();
  vi.stubGlobal('WebSocket', FakeWebSocket);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

async function rfb(n = 1): Promise<FakeRFB> {
  await waitFor(() => expect(FakeRFB.instances).toHaveLength(n));
  return FakeRFB.instances[n - 1] as FakeRFB;
}

describe('offeredConsoles', () => {
  it('offers what the domain has, and keeps the selected one through a reboot', () => {
    const none = consoleStatus({
      vnc: { available: false, viewers: 0, passwordProtected: false },
      serial: { available: false, viewers: 0, attached: false },
    });
    expect(offeredConsoles(consoleStatus(), { type: 'hvm' }, null)).toEqual(['vnc', 'serial']);
    expect(offeredConsoles(none, { type: 'pvh' }, null)).toEqual(['pv']);
    expect(offeredConsoles(none, undefined, 'vnc')).toEqual(['vnc']);
    expect(offeredConsoles(undefined, { type: 'hvm' }, null)).toEqual(['vnc', 'serial']);
  });
});

describe('<ConsoleTab>', () => {
  it('HVM: Screen first with the VNC screen; Serial switches to the text console', async () => {
    serve(
      consoleStatus({
        domain: 'win1',
        vnc: { available: true, viewers: 2, passwordProtected: true },
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<ConsoleTab name="win1" />);
    const screenButton = await screen.findByRole('button', { name: 'Screen' });
    expect(screenButton).toHaveAttribute('aria-pressed', 'true');
    expect(screen.queryByRole('button', { name: 'Text console' })).not.toBeInTheDocument();
    const r = await rfb();
    expect(r.target).toBe(screen.getByTestId('vnc-screen'));
    expect(r.options).toEqual({ shared: true });
    expect(r.channel.url).toMatch(/^ws:\/\/[^/]+\/api\/v1\/domains\/win1\/console\/vnc$/);
    expect(screen.getByTestId('console-viewers')).toHaveTextContent('2 viewers');
    expect(screen.getByText(/vncpasswd is set/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Serial' }));
    expect(screen.getByRole('button', { name: 'Serial' })).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() => expect(FakeTerminal.instances).toHaveLength(1));
    expect(r.disconnected).toBe(true);
    expect(screen.queryByTestId('vnc-screen')).not.toBeInTheDocument();
    expect(screen.getByTestId('text-console')).toBeInTheDocument();
    expect(FakeWebSocket.last().url).toMatch(
      /\/api\/v1\/domains\/win1\/console\/text\?type=serial$/,
    );
  });

  it('PV: only the text console, and console.viewers events move its viewer count', async () => {
    serve(
      consoleStatus({
        domain: 'pv1',
        vnc: { available: false, viewers: 0, passwordProtected: false },
        pv: { available: true, viewers: 1, attached: true },
        serial: { available: false, viewers: 0, attached: false },
      }),
    );
    const { queryClient } = renderWithProviders(<ConsoleTab name="pv1" />);
    expect(await screen.findByRole('button', { name: 'Text console' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(screen.queryByRole('button', { name: 'Screen' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Serial' })).not.toBeInTheDocument();
    expect(await screen.findByTestId('console-viewers')).toHaveTextContent('1 viewer');
    act(() =>
      applyEvent(queryClient, { type: 'console.viewers', name: 'pv1', kind: 'pv', viewers: 3 }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('console-viewers')).toHaveTextContent('3 viewers'),
    );
  });
});

describe('VNC view', () => {
  it('connects, sends Ctrl-Alt-Del and send-keys combinations, toggles scale and view only', async () => {
    serve(consoleStatus({ domain: 'win1' }));
    const user = userEvent.setup();
    renderWithProviders(<ConsoleTab name="win1" />);
    const r = await rfb();
    expect(screen.getByTestId('console-status')).toHaveTextContent('Connecting…');
    expect(r.scaleViewport).toBe(true);
    expect(screen.getByRole('button', { name: 'Ctrl-Alt-Del' })).toBeDisabled();
    r.connected();
    expect(screen.getByTestId('console-status')).toHaveTextContent('Connected');
    const toolbar = screen.getByRole('toolbar', { name: 'Console' });
    for (const name of [
      'Ctrl-Alt-Del',
      'Send keys',
      'Type text',
      'Scale',
      'Full screen',
      'Open in new window',
      'View only',
    ]) {
      expect(within(toolbar).getByRole('button', { name })).toBeInTheDocument();
    }

    await user.click(screen.getByRole('button', { name: 'Ctrl-Alt-Del' }));
    expect(r.ctrlAltDels).toBe(1);

    await user.click(screen.getByRole('button', { name: 'Send keys' }));
    await user.click(screen.getByRole('menuitem', { name: 'Ctrl-Alt-F1' }));
    expect(r.keys).toEqual([
      [0xffe3, 'ControlLeft', true],
      [0xffe9, 'AltLeft', true],
      [0xffbe, 'F1', true],
      [0xffbe, 'F1', false],
      [0xffe9, 'AltLeft', false],
      [0xffe3, 'ControlLeft', false],
    ]);
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();

    r.keys = [];
    await user.click(screen.getByRole('button', { name: 'Send keys' }));
    await user.click(screen.getByRole('menuitemcheckbox', { name: 'Alt' }));
    expect(screen.getByRole('menuitemcheckbox', { name: 'Alt' })).toHaveAttribute(
      'aria-checked',
      'true',
    );
    await user.click(screen.getByRole('menuitemcheckbox', { name: 'Alt' }));
    expect(r.keys).toEqual([
      [0xffe9, 'AltLeft', true],
      [0xffe9, 'AltLeft', false],
    ]);

    await user.click(screen.getByRole('button', { name: 'Scale' }));
    expect(r.scaleViewport).toBe(false);
    expect(localStorage.getItem(SCALE_STORAGE_KEY)).toBe('1:1');
    await user.click(screen.getByRole('button', { name: 'View only' }));
    expect(r.viewOnly).toBe(true);
    expect(screen.getByRole('button', { name: 'Ctrl-Alt-Del' })).toBeDisabled();
  });

  it('remembers 1:1 scaling for the next console', async () => {
    localStorage.setItem(SCALE_STORAGE_KEY, '1:1');
    serve(consoleStatus({ domain: 'win1' }));
    renderWithProviders(<ConsoleTab name="win1" />);
    expect((await rfb()).scaleViewport).toBe(false);
  });

  it('types text from the dialog as keystrokes', async () => {
    serve(consoleStatus({ domain: 'win1' }));
    const user = userEvent.setup();
    renderWithProviders(<ConsoleTab name="win1" />);
    const r = await rfb();
    r.connected();
    await user.click(screen.getByRole('button', { name: 'Type text' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByRole('textbox', { name: 'Text to type' }), 'A1');
    await user.clear(within(dialog).getByRole('spinbutton'));
    await user.click(within(dialog).getByRole('button', { name: 'Type' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(r.keys).toEqual([
      [0xffe1, 'ShiftLeft', true],
      [0x41, 'KeyA', true],
      [0x41, 'KeyA', false],
      [0xffe1, 'ShiftLeft', false],
      [0x31, 'Digit1', true],
      [0x31, 'Digit1', false],
    ]);
  });

  it('a guest reboot shows Reconnecting… and the domain coming back reconnects at once', async () => {
    serve(consoleStatus({ domain: 'win1' }));
    const { queryClient } = renderWithProviders(<ConsoleTab name="win1" />);
    const first = await rfb();
    first.connected();
    first.serverClose(4410);
    expect(screen.getByTestId('console-status')).toHaveTextContent('Reconnecting…');
    expect(screen.getByText(/guest rebooting…/)).toBeInTheDocument();
    await waitFor(() => expect(queryClient.getQueryData(['domains', 'list'])).toBeDefined());
    act(() => applyEvent(queryClient, { type: 'domain.removed', domid: 5, name: 'win1' }));
    act(() => applyEvent(queryClient, { type: 'domain.added', domain: { ...win1, domid: 9 } }));
    const second = await rfb(2);
    second.connected();
    expect(screen.getByTestId('console-status')).toHaveTextContent('Connected');
  });

  it('reconnects by itself after the backoff when the VNC server closes', async () => {
    serve(consoleStatus({ domain: 'win1' }));
    renderWithProviders(<ConsoleTab name="win1" />);
    const first = await rfb();
    first.connected();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      first.serverClose(4410);
      await act(async () => {
        vi.advanceTimersByTime(700);
      });
      expect(FakeRFB.instances).toHaveLength(1);
      await act(async () => {
        vi.advanceTimersByTime(600); // ≥ 1.2 s: the first wait (1 s ± 20 %)
      });
    } finally {
      vi.useRealTimers();
    }
    const second = await rfb(2);
    expect(second.options).toEqual({ shared: true });
    second.connected();
    expect(screen.getByTestId('console-status')).toHaveTextContent('Connected');
  });

  it('lets sticky modifiers go when the console closes', async () => {
    serve(consoleStatus({ domain: 'win1' }));
    const user = userEvent.setup();
    const { unmount } = renderWithProviders(<ConsoleTab name="win1" />);
    const r = await rfb();
    r.connected();
    await user.click(screen.getByRole('button', { name: 'Send keys' }));
    await user.click(screen.getByRole('menuitemcheckbox', { name: 'Ctrl' }));
    unmount();
    expect(r.keys).toEqual([
      [0xffe3, 'ControlLeft', true],
      [0xffe3, 'ControlLeft', false],
    ]);
    expect(r.disconnected).toBe(true);
  });

  it('too many connections (1013) gives up and says so', async () => {
    serve(consoleStatus({ domain: 'win1' }));
    renderWithProviders(<ConsoleTab name="win1" />);
    const r = await rfb();
    r.serverClose(1013, '');
    expect(screen.getByTestId('console-status')).toHaveTextContent(
      'Disconnected: too many connections',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(FakeRFB.instances).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Reconnect' })).toBeInTheDocument();
  });
});
