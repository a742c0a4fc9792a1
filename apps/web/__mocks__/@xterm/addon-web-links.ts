// Vitest's stand-in for `@xterm/addon-web-links` (`vi.mock('@xterm/addon-web-links')`).
export { FakeWebLinksAddon as WebLinksAddon } from '../../src/test/fake-xterm';
