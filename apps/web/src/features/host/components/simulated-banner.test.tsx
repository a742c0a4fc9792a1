import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SimulatedBanner } from './simulated-banner';

describe('<SimulatedBanner>', () => {
  it('shows "Simulated host" for the simulated backend', () => {
    render(<SimulatedBanner backend="simulated" />);
    expect(screen.getByTestId('simulated-banner')).toHaveTextContent('Simulated host');
  });
  it('shows nothing for libxl, or before the host is known', () => {
    const { container, rerender } = render(<SimulatedBanner backend="libxl" />);
    expect(screen.queryByTestId('simulated-banner')).toBeNull();
    rerender(<SimulatedBanner backend={undefined} />);
    expect(screen.queryByTestId('simulated-banner')).toBeNull();
    expect(container).toBeEmptyDOMElement();
  });
});
