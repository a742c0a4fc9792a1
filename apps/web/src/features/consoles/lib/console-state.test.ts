import { describe, expect, it } from 'vitest';
import { afterClose, closeReason, connectionText, viewersText } from './console-state';

describe('console status line', () => {
  it('says the words e2e reads', () => {
    expect(connectionText({ state: 'connecting' })).toBe('Connecting…');
    expect(connectionText({ state: 'connected', domid: 3 })).toBe('Connected');
    expect(connectionText({ state: 'waiting', reason: 'domain is not running' })).toBe(
      'Waiting: domain is not running',
    );
    expect(connectionText({ state: 'reconnecting', reason: 'x', rebooting: true })).toBe(
      'Reconnecting…',
    );
    expect(
      connectionText({ state: 'disconnected', reason: 'session ended', sessionEnded: true }),
    ).toBe('Disconnected: session ended');
    expect(viewersText(1)).toBe('1 viewer');
    expect(viewersText(2)).toBe('2 viewers');
  });

  it('gives up on 1008 (session ended) and 1013 (too many), reconnects otherwise', () => {
    expect(afterClose(1008, '', true)).toEqual({
      state: 'disconnected',
      reason: 'session ended',
      sessionEnded: true,
    });
    expect(afterClose(1013, 'too many connections for this session', true)).toEqual({
      state: 'disconnected',
      reason: 'too many connections for this session',
      sessionEnded: false,
    });
    expect(afterClose(4410, '', true)).toMatchObject({ state: 'reconnecting', rebooting: true });
    expect(afterClose(1006, '', true)).toMatchObject({
      state: 'reconnecting',
      rebooting: false,
      reason: 'connection lost',
    });
  });

  it('a refused upgrade (1006 before open) reads as could not connect; the server reason wins', () => {
    expect(closeReason(1006, '', false)).toMatch(/^could not connect/);
    expect(closeReason(4502, '', true)).toBe('the VNC handshake with the device model failed');
    expect(closeReason(4502, 'wrong vncpasswd', true)).toBe('wrong vncpasswd');
  });
});
