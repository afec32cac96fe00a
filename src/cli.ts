#!/usr/bin/env node
import { parseArgs } from 'node:util';
import readline from 'node:readline';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './db.js';
import { createContext } from './app-context.js';
import { startServer } from './server.js';
import { createAdmin } from './bootstrap.js';
import { AppError } from './platform/http/errors.js';
import { passwordProblem } from './modules/auth/passwords.js';
import { email } from './modules/admins/schemas.js';

const USAGE = `Usage: wfa <command>

Commands:
  serve                      Start the server (migrates the database first)
  migrate                    Apply database migrations and exit
  admin create --email E --name N [--role R] [--org O]
                             Create an admin; password from WFA_ADMIN_PASSWORD or a prompt
  demo                       Start the server on embedded SQLite with the sandbox ServiceNow and Jira
  sandbox [--port P]         Start only the sandbox ServiceNow and Jira Cloud servers
  rotate-key --new-key K     Re-encrypt stored credentials with a new WFA_SECRET_KEY
`;

async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) return line;
    return '';
  }
  process.stdout.write('Password: ');
  return new Promise((resolve) => {
    const stdin = process.stdin;
    stdin.setRawMode(true);
    let value = '';
    const onData = (buf: Buffer) => {
      const ch = buf.toString('utf8');
      if (ch === '\r' || ch === '\n' || ch === '\u0004') {
        stdin.setRawMode(false);
        stdin.off('data', onData);
        stdin.pause();
        process.stdout.write('\n');
        resolve(value);
      } else if (ch === '\u0003') {
        process.exit(130);
      } else if (ch === '\u007f') {
        value = value.slice(0, -1);
      } else {
        value += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const server = await startServer(loadConfig());
      server.app.log.info(`Workflow Automation listening on ${server.url}`);
      const shutdown = async () => {
        await server.stop();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      return -1;
    }
    case 'migrate': {
      const config = loadConfig();
      const database = openDatabase(config.database);
      const applied = await migrateToLatest(database);
      await database.close();
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
      return 0;
    }
    case 'admin': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, org: { type: 'string' } },
      });
      if (positionals[0] !== 'create' || !values.email || !values.name?.trim()) {
        console.error(USAGE);
        return 2;
      }
      // The same rule the API applies, so the CLI cannot create an admin the UI would refuse.
      const checkedEmail = email.safeParse(values.email);
      if (!checkedEmail.success) {
        console.error(`--email: ${checkedEmail.error.issues[0]?.message ?? 'not a valid email address.'}`);
        return 2;
      }
      const password = process.env.WFA_ADMIN_PASSWORD ?? (await promptPassword());
      const problem = passwordProblem(password);
      if (problem) {
        console.error(problem);
        return 2;
      }
      const config = loadConfig();
      const database = openDatabase(config.database);
      await migrateToLatest(database);
      const ctx = createContext(config, database);
      try {
        const { org, admin } = await createAdmin(ctx, {
          email: checkedEmail.data,
          name: values.name.trim(),
          password,
          roleName: values.role,
          orgName: values.org,
        });
        console.log(`Created admin ${admin.email} (${admin.roleName}) in org ${org.name}.`);
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'demo': {
      const { runDemo } = await import('./demo.js');
      await runDemo();
      return -1;
    }
    case 'sandbox': {
      const { values } = parseArgs({ args: rest, options: { port: { type: 'string' }, host: { type: 'string' } } });
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
        console.error('--port must be a whole number from 0 to 65535.');
        return 2;
      }
      const { sandboxMain } = await import('./sandbox/index.js');
      await sandboxMain({ port, host: values.host });
      return -1;
    }
    case 'rotate-key': {
      const { rotateKeyCommand } = await import('./rotate-key.js');
      return rotateKeyCommand(rest);
    }
    default:
      console.error(USAGE);
      return command ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    if (err instanceof ConfigError || err instanceof AppError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
