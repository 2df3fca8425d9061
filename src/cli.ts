import { readFileSync } from 'node:fs';
import type { Command, CommanderError } from 'commander';
import { resolveLang, t, type Lang, type MessageKey } from './core/messages.js';
import { MailcfgError, invalidOption, isMailcfgError } from './core/errors.js';
import { EXIT } from './core/exit.js';
import { Output, paintFor } from './io/output.js';
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

/**
 * The first word that names no command where one is expected (`mailcfg frobnicate`, `mailcfg queue flsh`).
 * `show` and `queue list` are default commands, so commander alone would take such a word as their argument.
 */
function unknownCommandWord(program: Command, args: string[]): { word: string; path: string; names: string[] } | undefined {
  let cmd = program;
  const path: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (a === '--') break;
    else if (!a.startsWith('-')) {
      if (cmd.commands.length === 0) return undefined;
      const next = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
      if (!next) return { word: a, path: path.join(' '), names: cmd.commands.map((c) => c.name()) };
      cmd = next;
      path.push(a);
    }
  }
  return undefined;
}

/** Edit distance, for "did you mean" on a mistyped command. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * While a message is held for sending, Ctrl-C gives it back to the queue and says so before the run ends with 130
 * (the one other place that ends the process). Outside such a stretch Node's own handling stands: the wizard's prompts
 * read Ctrl-C themselves.
 */
const interruptibleFor = (out: Output) => async <T,>(interrupted: () => void, fn: () => Promise<T>): Promise<T> => {
  const stop = () => {
    try {
      interrupted();
      // --json still ends with its one document
      if (out.json) out.printJson({ ok: false, error: out.errorJson(new MailcfgError({ exit: EXIT.INTERRUPTED, code: 'EINTERRUPTED', key: 'err.interruptedSend' })) });
    } finally {
      process.exit(EXIT.INTERRUPTED);
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await fn();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
};

/** The entry point: runs one command and returns its exit code. The only place failures become exit codes. */
export async function main(io: Io): Promise<number> {
  const args = io.argv.slice(2);
  const lang: Lang = resolveLang(scan(args, '--lang'), io.env);
  const json = args.includes('--json');
  const color = !args.includes('--no-color') && !io.env.NO_COLOR && !!io.stdout.isTTY && !json;
  const out = new Output({ lang, json, paint: await paintFor(color), verbose: args.includes('-v') || args.includes('--verbose'), stdout: io.stdout, stderr: io.stderr });

  const makeCtx = (cmd: Command): Ctx => {
    const g = cmd.optsWithGlobals() as Record<string, string | boolean | undefined>;
    const timeoutRaw = (g.timeout as string | undefined) ?? io.env.MAILCFG_TIMEOUT;
    let timeoutMs = 30_000;
    if (timeoutRaw !== undefined) {
      const s = Number(timeoutRaw);
      if (!Number.isFinite(s) || s <= 0 || s > 3600) {
        throw invalidOption('--timeout', 'invalid.timeout', timeoutRaw);
      }
      timeoutMs = Math.round(s * 1000);
    }
    const profile = checkProfileName((g.profile as string | undefined) ?? io.env.MAILCFG_PROFILE ?? 'default');
    const configDir = resolveConfigDir(g.configDir as string | undefined, io.env);
    const interactive = !g.yes && !io.env.CI && !!io.stdin.isTTY && !json;
    return { lang, out, env: io.env, profile, paths: profilePaths(configDir, profile), interactive, timeoutMs, stdin: io.stdin, interruptible: interruptibleFor(out) };
  };

  const state: RunState = { exitCode: EXIT.OK };
  const program = buildProgram(lang, version(), makeCtx, state, (root) =>
    root.exitOverride().configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Usage errors are reported by report(), translated, as every other failure.
      outputError: () => {},
    }),
  );

  const first = firstWord(args);
  const unknown = unknownCommandWord(program, args);
  if (unknown) {
    const near = unknown.names.filter((n) => distance(unknown.word, n) <= Math.max(1, Math.floor(n.length / 3)));
    const name = unknown.path ? `${unknown.path} ${unknown.word}` : unknown.word;
    let reason = t(lang, 'err.unknownCommand', { name });
    if (near.length) reason += ` ${t(lang, 'err.didYouMean', { name: near.map((n) => (unknown.path ? `${unknown.path} ${n}` : n)).join(', ') })}`;
    return report(out, new MailcfgError({ exit: EXIT.USAGE, code: 'EUSAGE', key: 'err.usage', params: { reason }, hintKey: unknown.path ? 'err.usage.hintCommand' : 'err.usage.hint', hintParams: { command: unknown.path } }));
  }
  try {
    await program.parseAsync(io.argv);
    return state.exitCode;
  } catch (e) {
    return report(out, e, first);
  }
}

const USAGE_KEYS: Record<string, MessageKey> = {
  'commander.unknownOption': 'err.unknownOption',
  'commander.unknownCommand': 'err.unknownCommand',
  'commander.missingArgument': 'err.missingArgument',
  'commander.optionMissingArgument': 'err.optionMissingArgument',
};

/**
 * A commander parse error as one translated sentence. Only the option's name is repeated, never a value
 * given with it (`--password=…` must not come back on stderr).
 */
export function usageError(lang: Lang, ce: CommanderError, command?: string): MailcfgError {
  const message = ce.message.replace(/^error: /, '');
  const quoted = /'([^']*)'/.exec(message)?.[1];
  const name = quoted?.replace(/^(-[^=]*)=.*$/s, '$1');
  const suggestion = /\(Did you mean ([^?]+)\?\)/.exec(message)?.[1];
  let key: MessageKey | undefined = USAGE_KEYS[ce.code];
  if (ce.code === 'commander.excessArguments') key = quoted ? 'err.excessArguments' : undefined;
  const reason = key && name !== undefined ? t(lang, key, { name }) : message.split('\n')[0]!.replace(/'(-[^'=]*)=[^']*'/g, "'$1'");
  const full = suggestion ? `${reason} ${t(lang, 'err.didYouMean', { name: suggestion })}` : reason;
  const password = ce.code === 'commander.unknownOption' && /^--?(pass(word)?|pwd)$/i.test(name ?? '');
  const hintKey: MessageKey = password ? 'err.passwordArgv.hint' : command ? 'err.usage.hintCommand' : 'err.usage.hint';
  return new MailcfgError({ exit: EXIT.USAGE, code: 'EUSAGE', key: 'err.usage', params: { reason: full }, hintKey, hintParams: { command: command ?? '' } });
}

function report(out: Output, e: unknown, command?: string): number {
  const ce = e as CommanderError;
  if (typeof ce?.code === 'string' && ce.code.startsWith('commander.')) {
    if (ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' || ce.code === 'commander.help') return EXIT.OK;
  }
  let err: MailcfgError;
  if (typeof ce?.code === 'string' && ce.code.startsWith('commander.')) err = usageError(out.lang, ce, command);
  else if (isMailcfgError(e)) err = e;
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
