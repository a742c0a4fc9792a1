import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeRFB } from '@/test/fake-rfb';
import { FakeWebSocket } from '@/test/fake-websocket';
import { consoleStatus, dom0, domain } from '@/test/fixtures';
import { jsonResponse, mockFetch, renderRouteAt } from '@/test/render';
import { DomainRoute } from './domain';

vi.mock('@novnc/novnc');
vi.mock('@xterm/xterm');
vi.mock('@xterm/addon-fit');
vi.mock('@xterm/addon-search');
vi.mock('@xterm/addon-web-links');

const win1 = domain({ domid: 5, name: 'win1', type: 'hvm', state: 'running' });

function Where() {
  const location = useLocation();
  return <output data-testid="where">{location.search}</output>;
}

function renderAt(url: string) {
  return renderRouteAt(
    url,
    '/domains/:name',
    <>
      <DomainRoute />
      <Where />
    </>,
  );
}

beforeEach(() => {
  FakeWebSocket.reset();
  FakeRFB.instances = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
  mockFetch((req) => {
    if (req.url === '/api/v1/domains/win1/console') {
      return jsonResponse(200, consoleStatus({ domain: 'win1' }));
    }
    if (req.url === '/api/v1/domains') return jsonResponse(200, [dom0, win1]);
    if (req.url === '/api/v1/configs') return jsonResponse(200, []);
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: req.url } });
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('<DomainRoute> Console tab', () => {
  it('?view=console opens the Console tab with the screen (loaded lazily)', async () => {
    renderAt('/domains/win1?view=console');
    expect(screen.getByRole('tab', { name: 'Console' })).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByTestId('vnc-screen')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Screen' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('clicking Console sets ?view=console, choosing Serial adds ?console=serial, leaving drops it', async () => {
    const user = userEvent.setup();
    renderAt('/domains/win1');
    await user.click(screen.getByRole('tab', { name: 'Console' }));
    expect(screen.getByTestId('where')).toHaveTextContent('?view=console');
    await user.click(await screen.findByRole('button', { name: 'Serial' }));
    expect(screen.getByTestId('where')).toHaveTextContent('?view=console&console=serial');
    await user.click(screen.getByRole('tab', { name: 'Overview' }));
    expect(screen.getByTestId('where')).toBeEmptyDOMElement();
  });
});
