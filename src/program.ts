import { Command, Option } from 'commander';
import { t, type Lang, type MessageKey } from './core/messages.js';
import type { Ctx } from './commands/context.js';

export type MakeCtx = (cmd: Command) => Ctx;
/** Set by the action that ran: the exit code to end with. */
export interface RunState {
  exitCode: number;
}

/**
 * Commander definitions only. Each action lazy-imports its command, so
 * `mailcfg --help` and `mailcfg show` load neither inquirer nor nodemailer.
 */
export function buildProgram(lang: Lang, version: string, makeCtx: MakeCtx, state: RunState, setup: (root: Command) => void): Command {
  const h = (k: MessageKey) => t(lang, k);
  const program = new Command('mailcfg');
  // Subcommands inherit output and exit handling only if it is set before they are added.
  setup(program);
  const titles: Record<string, string> = {
    'Usage:': h('help.title.usage'), 'Options:': h('help.title.options'), 'Commands:': h('help.title.commands'), 'Arguments:': h('help.title.arguments'),
  };
  // commander writes "[options]" and "[command]" in usage lines; say them in the help's language
  const words = (s: string) => s.replace('[options]', h('help.word.options')).replace('[command]', h('help.word.command'));
  const configure = (c: Command) =>
    c.configureHelp({ styleTitle: (s) => titles[s] ?? s, styleUsage: words, styleSubcommandTerm: words, showGlobalOptions: false })
      .helpOption('-h, --help', h('help.opt.help'))
      .helpCommand(false);

  configure(program)
    .description(h('help.program'))
    .version(version, '-V, --version', h('help.opt.version'))
    .option('--profile <name>', h('help.opt.profile'))
    .option('--config-dir <dir>', h('help.opt.configDir'))
    .option('--json', h('help.opt.json'))
    .option('--lang <lang>', h('help.opt.lang'))
    .option('--no-color', h('help.opt.noColor'))
    .option('-v, --verbose', h('help.opt.verbose'))
    .option('--timeout <seconds>', h('help.opt.timeout'))
    .option('-y, --yes', h('help.opt.yes'))
    .addHelpText('after', '\n' + h('help.footer'))
    .showSuggestionAfterError(true);

  const run = (fn: (ctx: Ctx, cmd: Command) => Promise<number>) => async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    state.exitCode = await fn(makeCtx(cmd), cmd);
  };
  const sub = (name: string, desc: MessageKey) => configure(program.command(name).description(h(desc)));

  const fieldFlags = (c: Command) =>
    c
      .option('--enabled', h('help.opt.enabled'))
      .option('--no-enabled', h('help.opt.noEnabled'))
      .option('--account-name <name>', h('help.opt.accountName'))
      .option('--email <address>', h('help.opt.email'))
      .option('--display-name <name>', h('help.opt.displayName'))
      .option('--reply-to <address>', h('help.opt.replyTo'))
      .option('--description <text>', h('help.opt.description'))
      .option('--host <host>', h('help.opt.host'))
      .option('--port <port>', h('help.opt.port'))
      .option('--encryption <mode>', h('help.opt.encryption'))
      .option('--auth <method>', h('help.opt.auth'))
      .option('--login <login>', h('help.opt.login'))
      .option('--ca-file <file>', h('help.opt.caFile'))
      .option('--insecure-tls', h('help.opt.insecureTls'))
      .option('--tenant-id <id>', h('help.opt.tenantId'))
      .option('--client-id <id>', h('help.opt.clientId'))
      .option('--authority <url>', h('help.opt.authority'));

  configure(program.command('show', { isDefault: true }).description(h('help.cmd.show')))
    .option('--reveal', h('help.opt.reveal'))
    .action(run(async (ctx, cmd) => (await import('./commands/profile.js')).show(ctx, cmd.opts())));

  fieldFlags(sub('init', 'help.cmd.init'))
    .option('--password-stdin', h('help.opt.passwordStdin'))
    .option('--client-secret-stdin', h('help.opt.clientSecretStdin'))
    .action(run(async (ctx, cmd) => (await import('./commands/setup.js')).init(ctx, cmd.opts())));

  fieldFlags(sub('preset', 'help.cmd.preset'))
    .argument('<id>', h('help.arg.preset'))
    .option('--password-stdin', h('help.opt.passwordStdin'))
    .option('--client-secret-stdin', h('help.opt.clientSecretStdin'))
    .action(run(async (ctx, cmd) => {
      const m = await import('./commands/setup.js');
      const id = cmd.args[0]!;
      return id === 'list' ? m.presetList(ctx) : m.preset(ctx, id, cmd.opts());
    }));

  sub('set', 'help.cmd.set')
    .argument('<key>', h('help.arg.key'))
    .argument('<value>', h('help.arg.value'))
    .action(run(async (ctx, cmd) => (await import('./commands/profile.js')).set(ctx, cmd.args[0]!, cmd.args[1]!)));

  sub('get', 'help.cmd.get')
    .argument('<key>', h('help.arg.key'))
    .option('--reveal', h('help.opt.reveal'))
    .action(run(async (ctx, cmd) => (await import('./commands/profile.js')).get(ctx, cmd.args[0]!, cmd.opts())));

  sub('reset', 'help.cmd.reset')
    .action(run(async (ctx, cmd) => (await import('./commands/profile.js')).reset(ctx, { yes: cmd.optsWithGlobals().yes })));

  sub('path', 'help.cmd.path').action(run(async (ctx) => (await import('./commands/profile.js')).path(ctx)));

  sub('export', 'help.cmd.export')
    .option('--with-secrets', h('help.opt.withSecrets'))
    .action(run(async (ctx, cmd) => (await import('./commands/profile.js')).exportProfile(ctx, cmd.opts())));

  sub('import', 'help.cmd.import')
    .argument('<file>', h('help.arg.file'))
    .action(run(async (ctx, cmd) => (await import('./commands/profile.js')).importProfile(ctx, cmd.args[0]!)));

  fieldFlags(sub('verify', 'help.cmd.verify'))
    .action(run(async (ctx, cmd) => (await import('./commands/send.js')).verify(ctx, cmd.opts())));

  fieldFlags(sub('test-send', 'help.cmd.testSend'))
    .addOption(new Option('--to <address>', h('help.opt.to')).argParser((v: string, prev: string[] = []) => [...prev, v]))
    .option('--subject <text>', h('help.opt.subject'))
    .option('--body <text>', h('help.opt.body'))
    .option('--body-file <file>', h('help.opt.bodyFile'))
    .addOption(new Option('--attach <file>', h('help.opt.attach')).argParser((v: string, prev: string[] = []) => [...prev, v]))
    .action(run(async (ctx, cmd) => (await import('./commands/send.js')).testSend(ctx, cmd.opts())));

  const queue = sub('queue', 'help.cmd.queue');
  configure(queue.command('list', { isDefault: true }).description(h('help.cmd.queueList')))
    .action(run(async (ctx) => (await import('./commands/queue.js')).list(ctx)));
  configure(queue.command('flush').description(h('help.cmd.queueFlush')))
    .option('--due', h('help.opt.due'))
    .action(run(async (ctx, cmd) => (await import('./commands/queue.js')).flush(ctx, cmd.opts())));
  configure(queue.command('retry').description(h('help.cmd.queueRetry')))
    .argument('<id>', h('help.arg.id'))
    .action(run(async (ctx, cmd) => (await import('./commands/queue.js')).retry(ctx, cmd.args[0]!)));
  configure(queue.command('remove').description(h('help.cmd.queueRemove')))
    .argument('<id>', h('help.arg.id'))
    .action(run(async (ctx, cmd) => (await import('./commands/queue.js')).remove(ctx, cmd.args[0]!)));
  configure(queue.command('clear').description(h('help.cmd.queueClear')))
    .action(run(async (ctx) => (await import('./commands/queue.js')).clear(ctx)));

  const oauth = sub('oauth', 'help.cmd.oauth');
  configure(oauth.command('login').description(h('help.cmd.oauthLogin')))
    .option('--tenant-id <id>', h('help.opt.tenantId'))
    .option('--client-id <id>', h('help.opt.clientId'))
    .option('--authority <url>', h('help.opt.authority'))
    .option('--ca-file <file>', h('help.opt.caFile'))
    .action(run(async (ctx, cmd) => (await import('./commands/oauth.js')).oauthLogin(ctx, cmd.opts())));

  sub('sandbox', 'help.cmd.sandbox')
    .option('--port <port>', h('help.opt.port.sandbox'))
    .option('--dir <dir>', h('help.opt.dir'))
    .action(run(async (ctx, cmd) => (await import('./commands/sandbox.js')).sandbox(ctx, cmd.opts())));

  fieldFlags(sub('detect', 'help.cmd.detect'))
    .argument('<email>', h('help.arg.email'))
    .option('--probe', h('help.opt.probe'))
    .option('--budget <seconds>', h('help.opt.budget'))
    .option('--password-stdin', h('help.opt.passwordStdin'))
    .action(run(async (ctx, cmd) => (await import('./commands/detect.js')).detectCommand(ctx, cmd.args[0]!, { ...cmd.opts(), yes: cmd.optsWithGlobals().yes })));

  sub('demo', 'help.cmd.demo').action(run(async (ctx) => (await import('./commands/demo.js')).demo(ctx)));

  return program;
}
