/**
 * Xendeck's server entry point: reads the configuration, opens the backend and the database,
 * creates the admin user on first start, listens, and shuts down cleanly on SIGTERM/SIGINT.
 * Configuration problems and a missing Xen end the process with a message and exit status 1,
 * never a stack trace.
 */
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type Hypervisor, isHypervisorError, xenPresent } from '@xendeck/hypervisor';
import { pino } from 'pino';
import { createApp } from './app.js';
import { Users } from './auth/users.js';
import { openBackend } from './backend.js';
import { type Config, ConfigError, loadConfig, NOT_A_DOM0_MESSAGE } from './config.js';
import { type Db, openDatabase } from './db.js';
import { plainHttpWarning } from './http/edge.js';
import { loadTlsIdentity, TlsError, type TlsIdentity } from './http/tls.js';
import { logUnhandledRejections, removeSecretsFromEnv, restrictUmask } from './process-hygiene.js';
import { removeStaleTempFiles } from './stale-temp-files.js';
import { bootstrapAdmin } from './users/bootstrap.js';

function fail(message: string): never {
  process.stderr.write(`xendeck: ${message}\n`);
  process.exit(1);
}

/** Shows the generated first admin password, only on a terminal (never into the journal). */
function printGeneratedPassword(password: string, file: string): void {
  if (!process.stdout.isTTY) return;
  const line = '='.repeat(72);
  process.stdout.write(
    `\n${line}\n` +
      '  Xendeck first start: created the user "admin" with this password:\n\n' +
      `      ${password}\n\n` +
      `  It is also in ${file} (root only) until it is changed.\n` +
      '  (Set XENDECK_ADMIN_PASSWORD before the first start to choose it yourself.)\n' +
      `${line}\n\n`,
  );
}

async function main(): Promise<void> {
  restrictUmask();
  let config: Config;
  try {
    config = loadConfig(process.env, { xenPresent });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'xendeck' } });
  const secretVars = removeSecretsFromEnv(process.env);
  if (secretVars.length) logger.info({ names: secretVars }, 'removed secrets from the environment');
  logUnhandledRejections(logger);

  let hypervisor: Hypervisor;
  try {
    hypervisor = await openBackend(config);
  } catch (err) {
    if (isHypervisorError(err)) {
      const hint = err.code === 'XEN_UNAVAILABLE' ? `\n${NOT_A_DOM0_MESSAGE}` : '';
      fail(`cannot open the ${config.backend} backend (${err.code}): ${err.message}${hint}`);
    }
    throw err;
  }

  let db: Db;
  try {
    db = openDatabase(config.stateDir);
  } catch (err) {
    fail(
      `cannot open the database in XENDECK_STATE_DIR=${config.stateDir}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const admin = await bootstrapAdmin({
    users: new Users(db),
    stateDir: config.stateDir,
    configuredPassword: config.adminPassword,
    logger,
  });
  if (admin.kind === 'created-generated') printGeneratedPassword(admin.password, admin.file);

  void removeStaleTempFiles(config, logger);

  // HTTPS unless XENDECK_HTTP=1: XENDECK_TLS_CERT/KEY, else the generated certificate.
  let tls: TlsIdentity | undefined;
  try {
    tls = await loadTlsIdentity(config, (id) =>
      logger.info(
        { certFile: id.certFile, subjectAltNames: id.subjectAltNames },
        'generated a self-signed TLS certificate',
      ),
    );
  } catch (err) {
    if (err instanceof TlsError) fail(err.message);
    throw err;
  }

  const xendeck = createApp({ config, db, hypervisor, logger, tls });
  const server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key }, xendeck.app)
    : createServer(xendeck.app);
  // Off here, restored per request by the app (isos/request-deadline.ts): only an accepted ISO
  // upload may take longer than 300 s. headersTimeout (60 s) still guards slow headers.
  server.requestTimeout = 0;
  xendeck.attachWebsockets(server);

  await new Promise<void>((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      fail(
        err.code === 'EADDRINUSE'
          ? `${config.host}:${config.port} is already in use (XENDECK_HOST, XENDECK_PORT)`
          : `cannot listen on ${config.host}:${config.port}: ${err.message}`,
      );
    });
    server.listen(config.port, config.host, resolve);
  });
  logger.info(
    {
      host: config.host,
      port: config.port,
      backend: hypervisor.kind,
      configDir: config.configDir,
      webDir: config.webDir,
      stateDir: config.stateDir,
      tlsFingerprintSha256: tls?.fingerprintSha256,
      tlsCertFile: tls?.certFile,
      allowedHosts: xendeck.edge.allowedHosts,
      trustedProxies: config.trustedProxies,
    },
    `Xendeck listening on ${tls ? 'https' : 'http'}://${config.host}:${config.port}`,
  );
  const insecure = plainHttpWarning(config);
  if (insecure) logger.warn(insecure);
  if (hypervisor.kind === 'simulated') {
    logger.warn('backend is the SIMULATED host: nothing here touches Xen');
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took more than 5 s: exiting');
      process.exit(1);
    }, 5000);
    force.unref();
    void (async () => {
      await xendeck.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await hypervisor.close();
      db.close();
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    })().catch((err: unknown) => {
      logger.error({ err }, 'error during shutdown');
      process.exit(1);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `xendeck: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
