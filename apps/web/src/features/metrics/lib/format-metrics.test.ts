import { describe, expect, it } from 'vitest';
import {
  bytesToKiB,
  formatBytesPerSec,
  formatMemoryBytes,
  formatPercent,
  formatReqPerSec,
  formatTick,
  memoryAxisUnit,
  rateAxisUnit,
} from './format-metrics';

describe('metrics formats', () => {
  it('percent: one decimal like xentop, null → —', () => {
    expect(formatPercent(73.44)).toBe('73.4%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(199.96)).toBe('200.0%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
  });
  it('KiB: floor(bytes / 1024)', () => {
    expect(bytesToKiB(1023)).toBe(0);
    expect(bytesToKiB(1024)).toBe(1);
    expect(bytesToKiB(536_870_911)).toBe(524_287);
  });
  it('byte rates step through B/s, KiB/s, MiB/s, GiB/s', () => {
    expect(formatBytesPerSec(0)).toBe('0 B/s');
    expect(formatBytesPerSec(1023.4)).toBe('1023 B/s');
    expect(formatBytesPerSec(1536)).toBe('1.5 KiB/s');
    expect(formatBytesPerSec(12 * 1024 * 1024)).toBe('12.0 MiB/s');
    expect(formatBytesPerSec(1.25 * 1024 ** 3)).toBe('1.3 GiB/s');
    expect(formatBytesPerSec(null)).toBe('—');
  });
  it('request rates', () => {
    expect(formatReqPerSec(0)).toBe('0 req/s');
    expect(formatReqPerSec(3.456)).toBe('3.5 req/s');
    expect(formatReqPerSec(123.4)).toBe('123 req/s');
    expect(formatReqPerSec(null)).toBe('—');
  });
  it('memory: whole MiB below 1 GiB, GiB with two decimals from it', () => {
    expect(formatMemoryBytes(512 * 1024 * 1024 - 1)).toBe('511 MiB');
    expect(formatMemoryBytes(1.5 * 1024 ** 3)).toBe('1.50 GiB');
    expect(formatMemoryBytes(null)).toBe('—');
  });
  it('axis units follow the largest tick', () => {
    expect(memoryAxisUnit(900 * 1024 ** 2).label).toBe('MiB');
    expect(memoryAxisUnit(2 * 1024 ** 3).label).toBe('GiB');
    expect(rateAxisUnit(500).label).toBe('B/s');
    expect(rateAxisUnit(5000)).toEqual({ divisor: 1024, label: 'KiB/s' });
    expect(rateAxisUnit(5 * 1024 ** 2).label).toBe('MiB/s');
    expect(formatTick(20, 10)).toBe('20');
    expect(formatTick(0.5, 0.1)).toBe('0.5');
    expect(formatTick(0.25, 0.05)).toBe('0.25');
  });
});
