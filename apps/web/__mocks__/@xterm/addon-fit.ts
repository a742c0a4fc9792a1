// Vitest's stand-in for `@xterm/addon-fit` (`vi.mock('@xterm/addon-fit')`).
export { FakeFitAddon as FitAddon } from '../../src/test/fake-xterm';
