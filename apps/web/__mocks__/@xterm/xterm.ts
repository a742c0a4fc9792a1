// Vitest's stand-in for `@xterm/xterm` in tests that call `vi.mock('@xterm/xterm')` (jsdom has no canvas).
export { FakeTerminal as Terminal } from '../../src/test/fake-xterm';
