import { EXIT, type ExitCode } from './exit.js';
import { MailcfgError } from './errors.js';
import type { MessageKey } from './messages.js';

export const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';
export const APP_SCOPE = 'https://outlook.office365.com/.default';
export const DELEGATED_SCOPE = 'https://outlook.office.com/SMTP.Send offline_access';
/** Tokens are renewed this long before they expire. */
export const EXPIRY_MARGIN_MS = 5 * 60_000;

export function tokenUrl(authority: string, tenant: string): string {
  return `${authority.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
}
export function deviceCodeUrl(authority: string, tenant: string): string {
  return `${authority.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0/devicecode`;
}

interface AadRule {
  codes: string[];
  errors?: string[];
  key: MessageKey;
  hint: MessageKey;
  exit: ExitCode;
}

/** Microsoft identity platform errors (AADSTS codes) → sentence and hint. */
const AAD_RULES: readonly AadRule[] = [
  { codes: ['AADSTS7000215', 'AADSTS7000222', 'AADSTS7000216'], key: 'oauth.badSecret', hint: 'oauth.badSecret.hint', exit: EXIT.NOPERM },
  { codes: ['AADSTS90002', 'AADSTS900023', 'AADSTS90023'], key: 'oauth.tenant', hint: 'oauth.tenant.hint', exit: EXIT.CONFIG },
  { codes: ['AADSTS700016'], key: 'oauth.app', hint: 'oauth.app.hint', exit: EXIT.CONFIG },
  { codes: ['AADSTS65001', 'AADSTS650057', 'AADSTS50105'], key: 'oauth.consent', hint: 'oauth.consent.hint', exit: EXIT.NOPERM },
  { codes: ['AADSTS70019'], errors: ['expired_token'], key: 'oauth.deviceExpired', hint: 'oauth.deviceExpired.hint', exit: EXIT.NOPERM },
  { codes: ['AADSTS70000', 'AADSTS700082', 'AADSTS50173'], errors: ['invalid_grant'], key: 'oauth.grant', hint: 'oauth.grant.hint', exit: EXIT.NOPERM },
  { codes: ['AADSTS50020', 'AADSTS50126'], key: 'oauth.user', hint: 'oauth.grant.hint', exit: EXIT.NOPERM },
];

export interface TokenErrorBody {
  error?: string;
  error_description?: string;
  error_codes?: number[];
}

export function diagnoseTokenError(status: number, body: TokenErrorBody): MailcfgError {
  const text = body.error_description ?? '';
  const aad = /AADSTS\d+/.exec(text)?.[0] ?? (body.error_codes?.[0] ? `AADSTS${body.error_codes[0]}` : '');
  const rule = AAD_RULES.find((r) => r.codes.includes(aad)) ?? AAD_RULES.find((r) => r.errors?.includes(body.error ?? ''));
  const params = { code: aad || body.error || String(status), reason: text.split(/\r?\n/)[0] ?? '' };
  if (rule) return new MailcfgError({ exit: rule.exit, code: 'EOAUTH2', key: rule.key, params, hintKey: rule.hint });
  const exit = status >= 500 ? EXIT.TEMPFAIL : EXIT.NOPERM;
  return new MailcfgError({ exit, code: 'EOAUTH2', key: 'oauth.other', params, hintKey: 'diag.oauth.hint' });
}
