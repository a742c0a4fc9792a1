/**
 * `pnpm lab [start|stop|status|exec|build]`: the Xen lab, a real Xen 4.17 host (Debian 12 dom0)
 * booted under QEMU TCG, with Xendeck's server running in dom0 against real libxl.
 */
import { ensureImage } from './build.js';
import { labPaths } from './paths.js';
import { installInterruptHandlers } from './proc.js';

const log = (s: string) => process.stdout.write(`lab: ${s}\n`);

async function main(argv: string[]): Promise<number> {
  const [sub = 'run', ...rest] = argv;
  const paths = labPaths();
  switch (sub) {
    case 'build': {
      installInterruptHandlers();
      const r = await ensureImage(paths, log);
      log(r.reused ? `image ${r.image.key} is cached: ${r.image.dir}` : `image ready: ${r.image.dir}`);
      return 0;
    }
    default:
      process.stderr.write(`lab: unknown command '${sub}' ${rest.join(' ')}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`lab: error: ${e.message}\n`);
    process.exit(1);
  },
);
