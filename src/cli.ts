import { readFileSync } from 'node:fs';
import type { Command, CommanderError } from 'commander';
import { resolveLang, t, type Lang } from './core/messages.js';
import { MailcfgError, isMailcfgError } from './core/errors.js';
import { EXIT } from './core/exit.js';
import { Output } from './io/output.js';
import { resolveConfigDir, checkProfileName, profilePaths } from './io/paths.js';
import { buildProgram, type RunState } from './program.js';
import type { Ctx } from './commands/context.js';

export interface Io {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/** Pre-scan argv for what must be known before commander runs (language of --help, --json). */
function scan(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === name) return argv[i + 1];
    if (a.startsWith(name + '=')) return a.slice(name.length + 1);
  }
  return undefined;
}

const GLOBAL_WITH_VALUE = new Set(['--profile', '--config-dir', '--lang', '--timeout']);

function firstWord(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (a === '--') return args[i + 1];
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** The entry point: runs one command and returns its exit code. The only place failures become exit codes. */
export async function main(io: Io): Promise<number> {
  const args = io.argv.slice(2);
  const lang: Lang = resolveLang(scan(args, '--lang'), io.env);
  const json = args.includes('--json');
  const color = !args.includes('--no-color') && !io.env.NO_COLOR && !!io.stdout.isTTY && !json;
  const out = new Output({ lang, json, color, verbose: args.includes('-v') || args.includes('--verbose'), stdout: io.stdout, stderr: io.stderr });

  const makeCtx = (cmd: Command): Ctx => {
    const g = cmd.optsWithGlobals() as Record<string, string | boolean | undefined>;
    const timeoutRaw = (g.timeout as string | undefined) ?? io.env.MAILCFG_TIMEOUT;
    let timeoutMs = 30_000;
    if (timeoutRaw !== undefined) {
      const s = Number(timeoutRaw);
      if (!Number.isFinite(s) || s <= 0 || s > 3600) {
        throw new MailcfgError({ exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.invalidValue', params: { field: '--timeout', reason: `"${timeoutRaw}"` } });
      }
      timeoutMs = Math.round(s * 1000);
    }
    const profile = checkProfileName((g.profile as string | undefined) ?? io.env.MAILCFG_PROFILE ?? 'default');
    const configDir = resolveConfigDir(g.configDir as string | undefined, io.env);
    const interactive = !g.yes && !io.env.CI && !!io.stdin.isTTY && !json;
    return { lang, out, env: io.env, profile, paths: profilePaths(configDir, profile), interactive, timeoutMs, stdin: io.stdin };
  };

  const state: RunState = { exitCode: EXIT.OK };
  const program = buildProgram(lang, version(), makeCtx, state, (root) =>
    root.exitOverride().configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`mailcfg: ${s.replace(/^error: /, '')}`),
    }),
  );

  // `show` is the default command; an unknown word must not be taken as its argument.
  const first = firstWord(args);
  if (first !== undefined && !program.commands.some((c) => c.name() === first || c.aliases().includes(first))) {
    io.stderr.write(`mailcfg: ${t(lang, 'err.unknownCommand', { name: first })}\n`);
    return report(out, { code: 'commander.unknownCommand' });
  }
  try {
    await program.parseAsync(io.argv);
    return state.exitCode;
  } catch (e) {
    return report(out, e);
  }
}

function report(out: Output, e: unknown): number {
  const ce = e as CommanderError;
  if (typeof ce?.code === 'string' && ce.code.startsWith('commander.')) {
    if (ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' || ce.code === 'commander.help') return EXIT.OK;
    out.info(`${out.t('label.hint')}: ${t(out.lang, 'err.usage.hint')}`);
    return EXIT.USAGE;
  }
  let err: MailcfgError;
  if (isMailcfgError(e)) err = e;
  else if ((e as Error)?.name === 'ExitPromptError' || (e as Error)?.name === 'AbortPromptError') {
    err = new MailcfgError({ exit: EXIT.INTERRUPTED, code: 'EINTERRUPTED', key: 'err.interrupted' });
  } else {
    const reason = (e as Error)?.message ?? String(e);
    err = new MailcfgError({ exit: EXIT.SOFTWARE, code: 'EINTERNAL', key: 'err.internal', params: { reason } });
    if (process.env.MAILCFG_DEBUG) out.info(String((e as Error)?.stack));
  }
  if (out.json) out.printJson({ ok: false, error: out.errorJson(err) });
  out.error(err);
  return err.exit;
}
