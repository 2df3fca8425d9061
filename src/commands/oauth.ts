import { mergeAccounts, parseAccount, type Account } from '../core/account.js';
import { DEFAULT_AUTHORITY } from '../core/oauth.js';
import { MailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';
import { saveProfile } from '../io/store.js';
import { accountFromEnv, accountFromFlags, loadSaved, refuseGoogleOauth, type Ctx } from './context.js';

/**
 * Device-code sign-in for a person's Microsoft 365 mailbox: prints the URL and
 * code, polls until the sign-in is finished, saves the refresh token (a secret,
 * never printed) in the profile.
 */
export async function oauthLogin(ctx: Ctx, flags: Record<string, unknown>): Promise<number> {
  const { out } = ctx;
  const saved = loadSaved(ctx) ?? {};
  const a = mergeAccounts(saved, accountFromEnv(ctx.env, { includePassword: false }), accountFromFlags(flags));
  const refreshToken = await deviceSignIn(ctx, a);
  // A person's sign-in replaces an app secret: the refresh token is what sends from now on.
  const next = mergeAccounts(a, { auth: 'oauth2', oauth2: { refreshToken } });
  if (next.oauth2) delete next.oauth2.clientSecret;
  const parsed = parseAccount(next);
  if (!parsed.ok) throw new MailcfgError({ exit: EXIT.CONFIG, code: 'ECONFIG', key: 'err.invalidValues', issues: parsed.issues });
  await saveProfile(ctx.paths.profileFile, parsed.account);
  if (out.json) out.printJson({ ok: true, profile: ctx.profile, refreshTokenSet: true });
  else out.success(out.t('oauth.signedIn', { profile: ctx.profile }));
  return EXIT.OK;
}

/** Prints the URL and the code, waits for the person to sign in, returns the refresh token (never printed). */
export async function deviceSignIn(ctx: Ctx, a: Account): Promise<string> {
  const { out } = ctx;
  refuseGoogleOauth({ ...a, auth: 'oauth2' });
  const tenant = a.oauth2?.tenantId;
  const clientId = a.oauth2?.clientId;
  if (!tenant || !clientId) {
    throw new MailcfgError({ exit: EXIT.CONFIG, code: 'ECONFIG', key: 'oauth.needsClient', hintKey: 'oauth.needsClient.hint' });
  }
  const authority = a.oauth2?.authority ?? DEFAULT_AUTHORITY;
  const { startDeviceCode, pollDeviceCode } = await import('../io/oauth.js');
  const dc = await startDeviceCode(ctx, authority, tenant, clientId, a.tls?.caFile);
  out.info(out.t('oauth.deviceLogin', { url: dc.verificationUri, code: dc.userCode, minutes: Math.round(dc.expiresIn / 60) }));
  return pollDeviceCode(ctx, authority, tenant, clientId, dc, a.tls?.caFile);
}
