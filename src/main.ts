#!/usr/bin/env node
// CLI entry: bookflow serve | worker | migrate. Nothing else lives here.
import { startBookflow, DEMO_TENANT, type Mode } from './boot.js';
import { ConfigError, loadConfig } from './config.js';

const USAGE = `usage: bookflow <serve|worker|migrate>
  serve    HTTP API, admin UI and a worker in one process (what npm start runs)
  worker   workers only, to scale out job processing against the same database
  migrate  apply database migrations and exit`;

async function main(): Promise<void> {
  const mode = (process.argv[2] ?? 'serve') as Mode;
  if (!['serve', 'worker', 'migrate'].includes(mode)) {
    console.error(USAGE);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }

  const app = await startBookflow(config, mode);
  if (mode === 'migrate') {
    console.log('migrations applied');
    return;
  }

  if (mode === 'serve') {
    console.log('');
    console.log(`Bookflow is running at ${app.url}`);
    console.log(`  admin UI:        ${app.url}/`);
    console.log(`  API reference:   ${app.url}/api/docs`);
    console.log(`  platform key:    ${app.adminKey}   (manages tenants: POST /api/tenants)`);
    if (app.demoKey) console.log(`  demo tenant key: ${app.demoKey}   (tenant "${DEMO_TENANT}", role admin: sign in to the UI with it)`);
    console.log(`  database:        ${config.databaseUrl ? 'DATABASE_URL' : `embedded Postgres in ${config.dataDir}`}`);
    if (!config.smtpUrl) console.log('  email:           not configured (SMTP_URL): messages are kept in the outbox, not sent');
    if (!config.twilio) console.log('  SMS:             not configured (TWILIO_*): messages are kept in the outbox, not sent');
    console.log('Press Ctrl-C to stop.');
  } else {
    console.log('Bookflow worker running. Press Ctrl-C to stop.');
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: stopping (HTTP, worker, database)...`);
    app.stop().then(() => {
      console.log('stopped');
      process.exit(0);
    }, (err) => {
      console.error('error while stopping:', err);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
