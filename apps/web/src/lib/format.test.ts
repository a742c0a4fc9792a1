import { describe, expect, it } from 'vitest';
import { formatBytes, formatCpuTimeSeconds, formatKiBAsMiB, formatMiB, percentOf } from './format';

describe('formatKiBAsMiB (the xl list Mem column)', () => {
  it('floors KiB / 1024, never rounds up', () => {
    expect(formatKiBAsMiB(1_048_576)).toBe('1024 MiB');
    expect(formatKiBAsMiB(1_048_575)).toBe('1023 MiB');
    expect(formatKiBAsMiB(524_799)).toBe('512 MiB');
    expect(formatKiBAsMiB(1023)).toBe('0 MiB');
  });

  it('stays in MiB for large amounts (no GiB)', () => {
    expect(formatKiBAsMiB(16 * 1024 * 1024)).toBe('16384 MiB');
  });
});

describe('formatCpuTimeSeconds', () => {
  it('shows seconds with one decimal', () => {
    expect(formatCpuTimeSeconds(0)).toBe('0.0');
    expect(formatCpuTimeSeconds(12_345_000_000)).toBe('12.3');
    expect(formatCpuTimeSeconds(12_360_000_000)).toBe('12.4');
    expect(formatCpuTimeSeconds(1_500_000_000_000)).toBe('1500.0');
  });
});

describe('formatMiB', () => {
  it('uses MiB below 1 GiB and GiB with one decimal from there', () => {
    expect(formatMiB(512)).toBe('512 MiB');
    expect(formatMiB(1023.4)).toBe('1023 MiB');
    expect(formatMiB(1024)).toBe('1.0 GiB');
    expect(formatMiB(3584)).toBe('3.5 GiB');
  });
});

describe('formatBytes and percentOf', () => {
  it('formats bytes', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1434)).toBe('1.4 KiB');
    expect(formatBytes(2 * 1024 * 1024)).toBe('2.0 MiB');
    expect(formatBytes(1023 * 1024 * 1024)).toBe('1023.0 MiB');
    expect(formatBytes(8 * 1024 ** 3)).toBe('8.0 GiB');
    expect(formatBytes(1.5 * 1024 ** 4)).toBe('1.5 TiB');
  });
  it('computes a share with one decimal and 0 for an empty whole', () => {
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(5, 0)).toBe(0);
  });
});
