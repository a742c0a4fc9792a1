import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ConfigAutostart, HostAutostart } from '@xendeck/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { AutostartPanel, bootSentence, shutdownSentence } from './autostart-panel';
import { ConfigAutostartToggle } from './autostart-switch';

afterEach(() => {
  vi.unstubAllGlobals();
});

const status = (
  name: string,
  enabled: boolean,
  extra: Partial<ConfigAutostart> = {},
): ConfigAutostart => ({
  name,
  enabled,
  state: enabled ? 'linked' : 'absent',
  configPath: `/etc/xen/${name}.cfg`,
  linkPath: `/etc/xen/auto/${name}.cfg`,
  linkTarget: enabled ? `/etc/xen/${name}.cfg` : null,
  links: enabled ? [`/etc/xen/auto/${name}.cfg`] : [],
  command: enabled
    ? `rm /etc/xen/auto/${name}.cfg`
    : `ln -s /etc/xen/${name}.cfg /etc/xen/auto/${name}.cfg`,
  ...extra,
});

const settings = (over: Partial<Record<string, string | null>> = {}): HostAutostart['settings'] => {
  const save = 'XENDOMAINS_SAVE' in over ? (over.XENDOMAINS_SAVE ?? null) : '/var/lib/xen/save';
  return {
    path: '/etc/default/xendomains',
    exists: true,
    variables: {
      XENDOMAINS_MIGRATE: null,
      XENDOMAINS_SAVE: save,
      XENDOMAINS_RESTORE: 'true',
      XENDOMAINS_AUTO: '/etc/xen/auto',
      XENDOMAINS_STOP_MAXWAIT: '300',
    },
    atShutdown: {
      migrateTo: null,
      action: save ? 'save' : 'shutdown',
      saveDir: save || null,
      maxWaitSeconds: 300,
    },
    atBoot: { restore: !!save, autoDir: '/etc/xen/auto' },
    skippedLines: [],
  };
};

const hostAutostart = (over: Partial<HostAutostart> = {}): HostAutostart => ({
  simulated: false,
  service: {
    installed: true,
    enabled: true,
    state: 'enabled',
    active: 'active',
    source: 'systemctl',
  },
  settings: settings(),
  autoDir: '/etc/xen/auto',
  autoDirExists: true,
  entries: [],
  configs: [status('web1', true), status('db1', false)],
  warnings: [],
  ...over,
});

describe('xendomains sentences', () => {
  it('says save to the directory or shut down, and what boot does', () => {
    expect(shutdownSentence(settings())).toBe(
      'saves every running guest to /var/lib/xen/save (up to 300 s each); a guest it cannot save is shut down',
    );
    expect(shutdownSentence(settings({ XENDOMAINS_SAVE: null }))).toMatch(
      /^shuts every running guest down/,
    );
    expect(bootSentence(settings())).toBe(
      'restores the guests saved in /var/lib/xen/save, then starts each config linked in /etc/xen/auto whose guest is not running',
    );
    expect(bootSentence(settings({ XENDOMAINS_SAVE: null }))).toBe(
      'starts each config linked in /etc/xen/auto whose guest is not running',
    );
  });
});

describe('<AutostartPanel>', () => {
  it('shows the service, shutdown and boot behaviour, and only the configs that start', async () => {
    mockFetch(() => jsonResponse(200, hostAutostart()));
    renderWithProviders(<AutostartPanel />);
    expect(await screen.findByTestId('xendomains-state')).toHaveTextContent('enabled');
    expect(screen.getByTestId('xendomains-shutdown')).toHaveTextContent('/var/lib/xen/save');
    const list = screen.getByTestId('autostart-list');
    expect(within(list).getByText('web1')).toBeInTheDocument();
    expect(within(list).queryByText('db1')).toBeNull();
    expect(within(list).getByText('rm /etc/xen/auto/web1.cfg')).toBeInTheDocument();
  });

  it('warns when xendomains is disabled', async () => {
    mockFetch(() =>
      jsonResponse(
        200,
        hostAutostart({
          service: {
            installed: true,
            enabled: false,
            state: 'disabled',
            active: 'inactive',
            source: 'systemctl',
          },
          configs: [],
          warnings: ['xendomains is disabled: …'],
        }),
      ),
    );
    renderWithProviders(<AutostartPanel />);
    expect(await screen.findByTestId('xendomains-state')).toHaveTextContent('disabled');
    expect(screen.getByTestId('autostart-warnings')).toHaveTextContent('xendomains is disabled');
    expect(screen.getByTestId('autostart-empty')).toBeInTheDocument();
  });
});

describe('<ConfigAutostartToggle>', () => {
  it('PUTs the opposite state, then shows the answer and its twin', async () => {
    const user = userEvent.setup();
    const { requests } = mockFetch((req) =>
      req.method === 'PUT'
        ? jsonResponse(200, status('web1', true))
        : req.url.endsWith('/host/autostart')
          ? jsonResponse(200, hostAutostart())
          : jsonResponse(200, status('web1', false)),
    );
    renderWithProviders(<ConfigAutostartToggle name="web1" />);
    const toggle = await screen.findByTestId('autostart-toggle-web1');
    expect(toggle).toHaveAttribute('aria-checked', 'false');
    expect(screen.getByTestId('autostart-command-web1')).toHaveTextContent(
      'ln -s /etc/xen/web1.cfg /etc/xen/auto/web1.cfg',
    );
    await user.click(toggle);
    await waitFor(() => expect(toggle).toHaveAttribute('aria-checked', 'true'));
    const put = requests.find((r) => r.method === 'PUT');
    expect(put?.url).toBe('/api/v1/configs/web1/autostart');
    expect(put?.body).toEqual({ enabled: true });
    expect(screen.getByTestId('autostart-command-web1')).toHaveTextContent(
      'rm /etc/xen/auto/web1.cfg',
    );
  });

  it('disables the toggle and says why when the name holds a file Xendeck did not make', async () => {
    mockFetch(() =>
      jsonResponse(
        200,
        status('web1', false, {
          state: 'foreign',
          note: '/etc/xen/auto/web1.cfg is a regular file put there by hand',
        }),
      ),
    );
    renderWithProviders(<ConfigAutostartToggle name="web1" />);
    expect(await screen.findByTestId('autostart-toggle-web1')).toBeDisabled();
    expect(screen.getByTestId('autostart-foreign-web1')).toHaveAttribute(
      'title',
      '/etc/xen/auto/web1.cfg is a regular file put there by hand',
    );
  });
});
