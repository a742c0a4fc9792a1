/**
 * `pnpm lab [start|reboot|stop|status|exec|build]`: the Xen lab, a real Xen 4.17 host (Debian 12 dom0)
 * booted under QEMU TCG, with Xendeck's server running in dom0 against real libxl.
 */
import { ensureImage } from './build.js';
import { ensureInstaller } from './installer.js';
import { exec, reboot, start, status, stop } from './lab.js';
import { labPaths } from './paths.js';
import { installInterruptHandlers } from './proc.js';

const USAGE = `usage: pnpm lab [COMMAND]
  (none)            start the lab in the foreground, stream dom0's serial console; Ctrl-C stops it
  start             start the lab in the background; returns once Xendeck answers
  reboot            reboot dom0 (systemctl reboot: xendomains runs), boot again on the same
                    overlay and vg disk; returns once Xendeck answers again
  stop              power dom0 off (ssh), then stop QEMU
  status            is it running? pid, url, ssh port
  exec -- CMD ...   run CMD as root in dom0 (ssh); exits with its exit code
  build             build (or reuse) the cached dom0 image and the installer ISO
  installer         build (or reuse) the lab installer ISO; prints its path last

environment: XENDECK_LAB_PORT (8080), XENDECK_LAB_SSH_PORT (2222), XENDECK_ADMIN_PASSWORD (first
start only), XENDECK_LAB_SERVER_ENTRY (server script instead of apps/server/dist/main.js),
XDG_CACHE_HOME (cache root; the lab uses $XDG_CACHE_HOME/xendeck/lab), XENDECK_LAB_READY_TIMEOUT_MS
(boot until Xendeck answers, start and reboot; default 600000)
`;

const log = (s: string) => process.stdout.write(`lab: ${s}\n`);

async function main(argv: string[]): Promise<number> {
  const [sub = 'run', ...rest] = argv;
  const paths = labPaths();
  switch (sub) {
    case 'build': {
      installInterruptHandlers();
      const r = await ensureImage(paths, log);
      log(
        r.reused ? `image ${r.image.key} is cached: ${r.image.dir}` : `image ready: ${r.image.dir}`,
      );
      const inst = await ensureInstaller(paths, log);
      log(`installer ${inst.key}${inst.reused ? ' is cached' : ' ready'}: ${inst.files.iso}`);
      return 0;
    }
    case 'installer': {
      installInterruptHandlers();
      const inst = await ensureInstaller(paths, (s) => process.stderr.write(`lab: ${s}\n`));
      process.stdout.write(`${inst.files.iso}\n`);
      return 0;
    }
    case 'run':
    case 'start':
      installInterruptHandlers();
      return start(paths, { foreground: sub === 'run' }, log);
    case 'reboot':
      installInterruptHandlers();
      return reboot(paths, log);
    case 'stop':
      return stop(paths, log);
    case 'status':
      return status(paths);
    case 'exec': {
      const cmd = rest[0] === '--' ? rest.slice(1) : rest;
      if (cmd.length === 0) {
        process.stderr.write('lab exec: no command (usage: pnpm lab exec -- CMD ARGS...)\n');
        return 2;
      }
      return exec(paths, cmd);
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`lab: unknown command '${sub}'\n${USAGE}`);
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
