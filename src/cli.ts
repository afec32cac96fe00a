#!/usr/bin/env node
import { parseArgs } from 'node:util';
import readline from 'node:readline';
import { ConfigError, loadConfig } from './config.js';
import { AppError } from './platform/http/errors.js';
import { passwordProblem } from './modules/auth/passwords.js';
import { email } from './modules/admins/schemas.js';

const USAGE = `Usage: wfa <command> [options]    (wfa <command> --help for one command)

Commands:
  serve                      Start the server (migrates the database first)
  migrate                    Apply database migrations and exit
  admin create --email E --name N [--role R] [--org O]
                             Create an admin; password from WFA_ADMIN_PASSWORD or a prompt
  demo [--sandbox-port P]    Start the server on embedded SQLite with the sandbox ServiceNow and Jira
                             (the sandbox on P and P+1; default: two free ports)
  sandbox [--port P] [--host H]
                             Start only the sandbox ServiceNow (on P) and Jira Cloud (on P+1)
  rotate-key --new-key K     Re-encrypt stored credentials with a new WFA_SECRET_KEY

Configuration comes from environment variables (DATABASE_URL, PORT, WFA_SECRET_KEY, ...): see the README.
`;

/** One command's usage: its lines of USAGE, so the two can never disagree. */
function usageOf(command: string): string {
  const lines = USAGE.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  ${command} `) || l === `  ${command}`);
  if (start < 0) return USAGE;
  const [syntax, ...first] = lines[start]!.trim().split(/\s{2,}/);
  const description = [...first];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith('                             ')) break;
    description.push(l.trim());
  }
  return `Usage: wfa ${syntax}\n\n${description.map((d) => `  ${d}`).join('\n')}\n`;
}

/** parseArgs (every option a string) that answers a wrong option with the command's usage instead of a stack trace. */
function argsOf(command: string, args: string[], names: string[], allowPositionals = false) {
  const options = Object.fromEntries(names.map((n) => [n, { type: 'string' as const }]));
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals, strict: true });
    return { values: values as Record<string, string | undefined>, positionals };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usageOf(command)}`);
  }
}

class UsageError extends Error {}

/**
 * What a command needs of the app, loaded when it runs: usage, --help and a mistyped option answer
 * at once instead of loading every module first (seconds on a small machine).
 */
async function appParts() {
  const [{ openDatabase }, { migrateToLatest }, { createContext }, { createAdmin }] = await Promise.all([
    import('./platform/db/database.js'),
    import('./db.js'),
    import('./app-context.js'),
    import('./bootstrap.js'),
  ]);
  return { openDatabase, migrateToLatest, createContext, createAdmin };
}

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

/** A TCP port option: a whole number from 1 to 65535 (0 for "any free port" where the sandbox allows it). */
function portOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!(/^\d+$/.test(value) && port >= 0 && port <= 65534))
    throw new UsageError(`${name} must be a whole number from 0 to 65534 (the sandbox also takes the next port).`);
  return port;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(rest[0] ? usageOf(rest[0]) : USAGE);
    return 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(usageOf(command));
    return 0;
  }
  switch (command) {
    case 'serve': {
      argsOf('serve', rest, []);
      const config = loadConfig();
      const { startServer } = await import('./server.js');
      const server = await startServer(config);
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
      argsOf('migrate', rest, []);
      const config = loadConfig();
      const { openDatabase, migrateToLatest } = await appParts();
      const database = openDatabase(config.database);
      const applied = await migrateToLatest(database);
      await database.close();
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
      return 0;
    }
    case 'admin': {
      const { values, positionals } = argsOf('admin', rest, ['email', 'name', 'role', 'org'], true);
      if (positionals[0] !== 'create' || !values.email || !values.name?.trim()) {
        console.error(usageOf('admin'));
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
      const { openDatabase, migrateToLatest, createContext, createAdmin } = await appParts();
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
      const { values } = argsOf('demo', rest, ['sandbox-port']);
      const sandboxPort = portOption('--sandbox-port', values['sandbox-port']);
      const { runDemo } = await import('./demo.js');
      await runDemo(process.env, { sandboxPort });
      return -1;
    }
    case 'sandbox': {
      const { values } = argsOf('sandbox', rest, ['port', 'host']);
      const port = portOption('--port', values.port);
      const { sandboxMain } = await import('./sandbox/index.js');
      await sandboxMain({ port, host: values.host });
      return -1;
    }
    case 'rotate-key': {
      const { rotateKeyCommand } = await import('./rotate-key.js');
      return rotateKeyCommand(rest);
    }
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    // node:util parseArgs errors (an unknown option of rotate-key, say) are usage mistakes too.
    if (String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(err as Error).message}\n\n${usageOf(process.argv[2] ?? '')}`);
      process.exit(2);
    }
    if (err instanceof ConfigError || err instanceof AppError || err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
