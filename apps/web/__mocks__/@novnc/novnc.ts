// Vitest's stand-in for `@novnc/novnc` (`vi.mock('@novnc/novnc')`): RFB without a canvas.
export { FakeRFB as default } from '../../src/test/fake-rfb';
