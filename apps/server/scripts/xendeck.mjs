#!/usr/bin/env node
/**
 * `pnpm xendeck …` at the repository root: Xendeck's command line (user administration on dom0,
 * see src/users/cli.ts). Runs the bundle dist/cli.js in this process; says to build first when
 * it is missing (the CLI is built with the server by `pnpm build`).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error(`xendeck: ${cli} is missing; run \`pnpm build\` first`);
  process.exit(1);
}
await import(pathToFileURL(cli).href);
