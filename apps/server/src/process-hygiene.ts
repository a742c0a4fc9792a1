/**
 * Process-wide hygiene of the server, applied once by main.ts at start: the umask (files the
 * server, libxl and xl create are private unless a caller sets a mode), secrets taken out of the
 * environment once the configuration is read (libxl's hotplug scripts, the device model, pygrub
 * and xl's monitor inherit the process environment, and keep it in /proc/<pid>/environ for the
 * guest's lifetime), and a last-resort handler so a stray promise rejection is logged instead of
 * ending the process. Programs Xendeck spawns itself get `childEnv()` of @xendeck/api.
 */
import type { Logger } from 'pino';

/** Names of environment variables that hold a secret: removed by {@link removeSecretsFromEnv}. */
export const SECRET_ENV_NAME = /PASSWORD|PASSPHRASE|TOKEN|SECRET|CREDENTIAL/i;

/** Sets the umask to 0077 (owner only): an explicit mode (config files 0644, ISOs 0644) still wins. */
export function restrictUmask(): void {
  process.umask(0o077);
}

/**
 * Deletes every variable whose name matches {@link SECRET_ENV_NAME} (`XENDECK_ADMIN_PASSWORD`,
 * `XENDECK_METRICS_TOKEN`, and any other token a unit or shell left there) from `env`. With
 * `process.env` this unsets them in the process's real environment, which libxl's children
 * inherit. Call it after `loadConfig`. Returns the names removed (never the values).
 */
export function removeSecretsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const removed = Object.keys(env).filter((name) => SECRET_ENV_NAME.test(name));
  for (const name of removed) delete env[name];
  return removed;
}

/**
 * Logs an unhandled promise rejection at error level and keeps serving (Node would otherwise
 * end the process: every guest's console and every open session would drop for one bug).
 */
export function logUnhandledRejections(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (a bug; the server keeps running)');
  });
}
