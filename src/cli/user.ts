/**
 * `npm run user -- add --username U --role counsellor|supervisor|manager|admin --password-stdin`
 * `npm run user -- disable --username U` | `enable --username U` | `list`
 * The password is read from stdin (never from the command line, where `ps` and shell
 * history would keep it). Every change is written to the audit log with actor "cli".
 */
import { loadConfig } from '../config';
import { addUser, listUsers, MIN_PASSWORD, setDisabled } from '../console';
import { connectDatabase } from '../db/connect';
import { configureLogger } from '../observability/log';

/** The operator on the server's command line: trusted like an admin, audited as "cli". */
const CLI = { operator: 'cli' };

const USAGE = 'usage: npm run user -- add --username U --role counsellor|supervisor|manager|admin --password-stdin | disable --username U | enable --username U | list';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Run one command against the connected database; returns lines to print; throws on misuse. */
export async function runUserCommand(args: string[], readStdin: () => Promise<string>, secret?: string): Promise<string[]> {
  const [cmd] = args;
  if (cmd === 'list') {
    const users = await listUsers(secret ?? loadConfig().sessionSecret);
    return users.map((u) => `${u.username}\t${u.role}\t${u.disabled ? 'disabled' : 'enabled'}${u.locked ? '\tlocked' : ''}`);
  }
  const username = flag(args, '--username');
  if (!username) throw new Error(USAGE);
  if (cmd === 'add') {
    const role = flag(args, '--role') ?? '';
    if (!args.includes('--password-stdin')) throw new Error('the password is read from stdin: add --password-stdin');
    const password = (await readStdin()).replace(/\r?\n$/, '');
    const r = await addUser(CLI, { username, role, password });
    if (!r.ok) {
      const why = { weak_password: r.reason ?? `password must be at least ${MIN_PASSWORD} characters`, wrong_password: 'wrong password', invalid_role: 'role must be counsellor, supervisor, manager or admin', invalid_username: 'username: 3-32 letters, digits, . _ -', exists: 'user exists already', not_found: 'not found', forbidden: 'not allowed' }[r.code];
      throw new Error(why);
    }
    return [`user ${username} added (${role})`];
  }
  if (cmd === 'disable' || cmd === 'enable') {
    const r = await setDisabled(CLI, username, cmd === 'disable');
    if (!r.ok) throw new Error(`no user ${username}`);
    return [`user ${username} ${cmd}d`];
  }
  throw new Error(USAGE);
}

function readAll(): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (c) => { data += c; });
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', reject);
  });
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  configureLogger({ level: 'warn', json: false });
  const db = await connectDatabase({ mongoUri: cfg.mongoUri, dataDir: cfg.dataDir });
  try {
    for (const line of await runUserCommand(process.argv.slice(2), readAll, cfg.sessionSecret)) process.stdout.write(line + '\n');
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}

if (require.main === module) void main();
