import { mergeAccounts, parseAccount, withDefaults, isMailbox, type Account } from '../core/account.js';
import { invalidOption, MailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';
import type { MailerOptions, Stage } from '../io/mailer.js';
import { accountFromEnv, accountFromFlags, accountWarnings, loadSaved, refuseGoogleOauth, requireComplete, type Ctx } from './context.js';

/**
 * The account a run uses: flag > env (MAILCFG_PASSWORD included, never saved)
 * > saved profile. Works with no saved profile at all (the CI case).
 */
export function runAccount(ctx: Ctx, flags: Record<string, unknown>, opts: { requireEnabled: boolean }): Account {
  const saved = loadSaved(ctx);
  const env = accountFromEnv(ctx.env, { includePassword: true });
  const fromFlags = accountFromFlags(flags);
  const parsed = parseAccount(mergeAccounts(withDefaults({}), saved, env, fromFlags));
  if (!parsed.ok) throw new MailcfgError({ exit: EXIT.CONFIG, code: 'ECONFIG', key: 'err.invalidValues', issues: parsed.issues });
  const a = parsed.account;
  if (opts.requireEnabled && a.enabled === false) {
    throw new MailcfgError({ exit: EXIT.CONFIG, code: 'EDISABLED', key: 'err.disabled', params: { profile: ctx.profile }, hintKey: 'err.disabled.hint' });
  }
  refuseGoogleOauth(a);
  requireComplete(a, { run: true });
  accountWarnings(ctx, a);
  return a;
}

export function checkRecipients(to: string[] | undefined): string[] {
  const list = (to ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  if (list.length === 0) throw new MailcfgError({ exit: EXIT.USAGE, code: 'EUSAGE', key: 'err.noRecipient', hintKey: 'err.noRecipient.hint' });
  for (const r of list) {
    if (!isMailbox(r)) {
      throw invalidOption('--to', 'invalid.email', r);
    }
  }
  return list;
}

/** Everything secret in this account: redacted from every transcript line. */
export function secretsOf(a: Account): string[] {
  return [a.password, a.oauth2?.clientSecret, a.oauth2?.refreshToken].filter((s): s is string => !!s);
}

export async function mailerOptions(ctx: Ctx, a: Account, hooks: { onStage?: (s: Stage) => void }): Promise<MailerOptions> {
  let oauthToken: MailerOptions['oauthToken'];
  if (a.auth === 'oauth2') {
    const { tokenSource } = await import('../io/oauth.js');
    oauthToken = tokenSource(ctx, a);
  }
  return {
    host: a.host!, port: a.port!, encryption: a.encryption ?? 'auto', auth: a.auth ?? 'password',
    login: a.login, password: a.password, oauthToken, caFile: a.tls?.caFile, insecure: a.tls?.insecure,
    timeoutMs: ctx.timeoutMs, email: a.email, secrets: secretsOf(a),
    onTranscript: ctx.out.verbose ? (line) => ctx.out.info(ctx.out.c.dim(line)) : undefined,
    onStage: hooks.onStage,
  };
}
