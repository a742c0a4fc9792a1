import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { host } from '@/test/fixtures';
import { HostFacts } from './host-overview';

describe('<HostFacts>', () => {
  it('shows the CPU frequency in GHz and keeps the exact MHz in the title', () => {
    render(<HostFacts host={host({ nrCpus: 2, cpuMhz: 2445 })} />);
    const cpus = screen.getByText('2 × 2.45 GHz');
    expect(cpus).toHaveAttribute('title', '2 × 2445 MHz');
  });
  it('names the toolstack by backend', () => {
    const { rerender } = render(<HostFacts host={host({ backend: 'libxl' })} />);
    expect(screen.getByText('libxl (xl)')).toBeInTheDocument();
    rerender(<HostFacts host={host({ backend: 'simulated' })} />);
    expect(screen.getByText('simulated')).toBeInTheDocument();
  });
});
