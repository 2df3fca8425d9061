import { mergeAccounts, missingFields, parseAccount, withDefaults, type Account } from '../core/account.js';
import { findPreset, presetAccount, presetForHost, deriveLogin, PRESETS } from '../core/presets.js';
import { MailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';
import { formatTable } from '../core/render.js';
import { saveProfile } from '../io/store.js';
import type { Prompter } from '../io/prompts.js';
import {
  accountFromEnv, accountFromFlags, accountWarnings, loadSaved, passwordLayer, readStdinLine, refuseGoogleOauth, requireComplete,
  type Ctx,
} from './context.js';
import { profileJson } from './profile.js';
import { runWizard, confirmSummary } from './wizard.js';

export interface SetupOptions extends Record<string, unknown> {
  passwordStdin?: boolean;
  clientSecretStdin?: boolean;
}

interface Deps {
  prompter?: Prompter;
}

async function prompterFor(ctx: Ctx, deps: Deps): Promise<Prompter> {
  if (deps.prompter) return deps.prompter;
  const { inquirerPrompter } = await import('../io/prompts.js');
  return inquirerPrompter(ctx.out.promptWords());
}

/** When no login was given, presets (and known hosts) derive it from the address. */
function deriveMissingLogin(a: Account, rule?: 'localpart' | 'address'): Account {
  if (a.login !== undefined || (a.auth ?? 'password') === 'none') return a;
  const r = rule ?? presetForHost(a.host)?.login;
  if (!r) return a;
  const login = deriveLogin(r, a.email);
  return login === undefined ? a : { ...a, login };
}

/** Validate, refuse what cannot work, save, and say so. Shared by init and preset. */
async function finish(ctx: Ctx, account: Account, p: Prompter | undefined, state: { deviceSignIn?: boolean } = {}): Promise<number> {
  const { out } = ctx;
  const parsed = parseAccount(account);
  if (!parsed.ok) throw new MailcfgError({ exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.invalidValues', issues: parsed.issues });
  let a = parsed.account;
  refuseGoogleOauth(a);
  // a person's sign-in brings the refresh token after the summary
  requireComplete(state.deviceSignIn ? mergeAccounts(a, { oauth2: { refreshToken: '-' } }) : a);
  if (p && !(await confirmSummary(p, out, a))) {
    out.line(out.t('msg.cancelled'));
    return EXIT.OK;
  }
  if (state.deviceSignIn) {
    const { deviceSignIn } = await import('./oauth.js');
    a = mergeAccounts(a, { oauth2: { refreshToken: await deviceSignIn(ctx, a) } });
    if (a.oauth2) delete a.oauth2.clientSecret;
  }
  await saveProfile(ctx.paths.profileFile, a);
  accountWarnings(ctx, a);
  if (out.json) out.printJson({ ok: true, saved: true, path: ctx.paths.profileFile, ...profileJson(ctx.profile, a) });
  else out.success(out.t('msg.saved'));
  if (p && (await p.confirm({ message: out.t('wiz.offerTest'), default: false }))) {
    const to = await p.input({ message: out.t('wiz.testTo'), default: a.email });
    const { testSend } = await import('./send.js');
    return testSend(ctx, { to: [to] });
  }
  return EXIT.OK;
}

/** Detection inside the wizard: presets and the catalogue at once, the network within the usual budget. */
async function proposeFor(ctx: Ctx, email: string): Promise<Account | undefined> {
  const { out } = ctx;
  const { detect } = await import('../io/detect.js');
  const { proposalAccount } = await import('../core/detect.js');
  out.info(out.c.dim(out.t('detect.looking', { domain: email.slice(email.lastIndexOf('@') + 1) })));
  const r = await detect(email, { budgetMs: 5000, probe: false, env: ctx.env });
  if (!r.proposal) return undefined;
  const p = r.proposal;
  out.info(out.t('detect.proposed', { source: out.t(`detect.source.${p.source}`), from: p.from, host: p.host, port: p.port, encryption: p.encryption, login: p.login }));
  return proposalAccount(p);
}

async function layers(ctx: Ctx, opts: SetupOptions) {
  const saved = loadSaved(ctx) ?? {};
  const env = accountFromEnv(ctx.env, { includePassword: false });
  const flags = accountFromFlags(opts);
  let pw: Account | undefined;
  if (opts.passwordStdin) pw = passwordLayer(await readStdinLine(ctx.stdin));
  else if (opts.clientSecretStdin) pw = { oauth2: { clientSecret: await readStdinLine(ctx.stdin) } };
  return { saved, env, flags, pw };
}

export async function init(ctx: Ctx, opts: SetupOptions, deps: Deps = {}): Promise<number> {
  const { saved, env, flags, pw } = await layers(ctx, opts);
  let account = deriveMissingLogin(mergeAccounts(withDefaults({}), saved, env, flags, pw));
  let p: Prompter | undefined;
  const state: { deviceSignIn?: boolean } = {};
  if (ctx.interactive) {
    p = await prompterFor(ctx, deps);
    ctx.out.info(ctx.out.t('wiz.intro', { profile: ctx.profile }));
    // A detected server replaces the defaults, not what flags, env or the saved profile said.
    const given = mergeAccounts(saved, env, flags);
    const keep: Account = { port: given.port, encryption: given.encryption, auth: given.auth, login: given.login };
    const propose = async (email: string) => {
      const found = await proposeFor(ctx, email);
      return found && mergeAccounts(found, keep);
    };
    account = await runWizard(p, ctx.out, account, { propose, state });
  }
  return finish(ctx, account, p, state);
}

export async function preset(ctx: Ctx, id: string, opts: SetupOptions, deps: Deps = {}): Promise<number> {
  const pr = findPreset(id);
  if (!pr) {
    // Beyond the four presets: any provider domain of the built-in catalogue (`mailcfg preset o2.pl`).
    const { loadCatalogue } = await import('../io/detect.js');
    const { catalogueProposal, proposalAccount } = await import('../core/detect.js');
    const row = loadCatalogue().get(id.toLowerCase());
    if (row) {
      const server = (email: string | undefined) => {
        const a = proposalAccount(catalogueProposal(row, email ?? `user@${row.domain}`));
        if (!email) delete a.login;
        return a;
      };
      return applyServer(ctx, server, undefined, `${row.domain} (ISPDB ${row.provider})`, opts, deps);
    }
    throw new MailcfgError({
      exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.unknownPreset', params: { id },
      hintKey: 'err.unknownPreset.hint', hintParams: { ids: PRESETS.map((x) => x.id).join(', ') },
    });
  }
  const { out } = ctx;
  if (!out.json) out.info(`${pr.name}: ${out.t(pr.note)}`);
  return applyServer(ctx, (email) => presetAccount(pr, email), pr.login, pr.name, opts, deps);
}

/**
 * A preset, or detected settings: they replace the saved server fields (and the
 * login they derive); flags and env still win. Then only what is missing is asked.
 */
export async function applyServer(
  ctx: Ctx, server: (email: string | undefined) => Account, loginRule: 'localpart' | 'address' | undefined, name: string,
  opts: SetupOptions, deps: Deps = {},
): Promise<number> {
  const { out } = ctx;
  const { saved, env, flags, pw } = await layers(ctx, opts);
  const email = flags.email ?? env.email ?? saved.email;
  let account = mergeAccounts(withDefaults({}), saved, server(email), env, flags, pw);
  let p: Prompter | undefined;
  const state: { deviceSignIn?: boolean } = {};
  if (ctx.interactive) {
    p = await prompterFor(ctx, deps);
    const missing = missingFields(account);
    if (missing.length > 0) {
      const only = [...missing];
      if (missing.includes('email') && !only.includes('login')) only.push('login');
      account = await runWizard(p, out, account, { only, loginRule, state });
    }
  }
  account = deriveMissingLogin(account, loginRule);
  if (!out.json) out.info(out.t('msg.presetApplied', { name, host: account.host!, port: account.port!, encryption: account.encryption! }));
  return finish(ctx, account, p, state);
}

export async function presetList(ctx: Ctx): Promise<number> {
  const { out } = ctx;
  if (out.json) {
    out.printJson(PRESETS.map((p) => ({ id: p.id, name: p.name, host: p.host, port: p.port, encryption: p.encryption, auth: p.auth, login: p.login, note: out.t(p.note) })));
    return EXIT.OK;
  }
  out.line(out.t('preset.list.header'));
  const footer = out.t('preset.list.catalogue');
  out.line(formatTable(PRESETS.map((p) => [
    `  ${p.id}`,
    `${p.host}:${p.port}`,
    p.encryption,
    p.auth,
    `login = ${out.t(p.login === 'localpart' ? 'preset.login.localpart' : 'preset.login.address')}`,
    `(${p.name})`,
  ])));
  out.line(footer);
  return EXIT.OK;
}
