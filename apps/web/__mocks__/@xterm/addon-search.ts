// Vitest's stand-in for `@xterm/addon-search` (`vi.mock('@xterm/addon-search')`).
export { FakeSearchAddon as SearchAddon } from '../../src/test/fake-xterm';
