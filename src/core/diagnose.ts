import { EXIT, type ExitCode } from './exit.js';
import { MailcfgError } from './errors.js';
import type { MessageKey } from './messages.js';
import { presetForHost } from './presets.js';

/** What went wrong, as seen from an SMTP client: socket/TLS code, or the server's reply. */
export interface Failure {
  /** The system or TLS code (ECONNREFUSED, ERR_SSL_WRONG_VERSION_NUMBER, DEPTH_ZERO_SELF_SIGNED_CERT, …). */
  sysCode?: string;
  /** nodemailer's or mailcfg's own code (ESOCKET, ETLS, EAUTH, EENVELOPE, ENOSTARTTLS, ENOAUTH, …). */
  code?: string;
  timeoutType?: string;
  responseCode?: number;
  response?: string;
  message: string;
  stage: 'connect' | 'tls' | 'auth' | 'send' | 'token';
  host: string;
  port: number;
  email?: string;
}

interface Rule {
  when: (f: Failure) => boolean;
  code: string;
  exit: ExitCode;
  key: MessageKey;
  hint?: MessageKey | ((f: Failure) => MessageKey | undefined);
}

const has = (f: Failure, re: RegExp) => re.test(`${f.response ?? ''} ${f.message}`);
const enh = (f: Failure, status: string) => new RegExp(`\\b${status.replace(/\./g, '\\.')}\\b`).test(f.response ?? f.message);
const google = (f: Failure) => /gmail|google/i.test(f.host) || has(f, /gsmtp|support\.google\.com/i);

/**
 * Every failure mailcfg can explain: stable code, exit code, sentence, hint.
 * First match wins, so specific replies come before generic classes.
 */
export const RULES: readonly Rule[] = [
  { when: (f) => f.code === 'ENOSTARTTLS', code: 'ENOSTARTTLS', exit: EXIT.PROTOCOL, key: 'diag.noStarttls', hint: 'diag.noStarttls.hint' },
  { when: (f) => f.code === 'ENOAUTH', code: 'ENOAUTH', exit: EXIT.NOPERM, key: 'diag.noAuth', hint: 'diag.noAuth.hint' },
  { when: (f) => f.code === 'EOAUTH2', code: 'EOAUTH2', exit: EXIT.NOPERM, key: 'diag.oauth', hint: 'diag.oauth.hint' },
  { when: (f) => ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL'].includes(f.sysCode ?? ''), code: 'EDNS', exit: EXIT.UNAVAILABLE, key: 'diag.dns', hint: 'diag.dns.hint' },
  { when: (f) => f.sysCode === 'ECONNREFUSED', code: 'ECONNREFUSED', exit: EXIT.UNAVAILABLE, key: 'diag.refused', hint: 'diag.refused.hint' },
  { when: (f) => ['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'].includes(f.sysCode ?? ''), code: 'EUNREACHABLE', exit: EXIT.UNAVAILABLE, key: 'diag.unreachable', hint: 'diag.refused.hint' },
  { when: (f) => f.timeoutType === 'GREETING_TIMEOUT', code: 'EGREETING', exit: EXIT.PROTOCOL, key: 'diag.greetingTimeout', hint: 'diag.greetingTimeout.hint' },
  { when: (f) => f.timeoutType === 'UPGRADE_TIMEOUT', code: 'ETLS', exit: EXIT.PROTOCOL, key: 'diag.tls', hint: 'diag.tls.hint' },
  { when: (f) => f.timeoutType === 'CONNECT_TIMEOUT' || (!f.timeoutType && f.stage === 'connect' && f.sysCode === 'ETIMEDOUT'), code: 'ECONNTIMEOUT', exit: EXIT.UNAVAILABLE, key: 'diag.connectTimeout', hint: 'diag.connectTimeout.hint' },
  { when: (f) => /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|HTTP_REQUEST/i.test(`${f.sysCode} ${f.message}`) || has(f, /wrong version number|packet length too long/i), code: 'ETLSMODE', exit: EXIT.PROTOCOL, key: 'diag.wrongVersion', hint: 'diag.wrongVersion.hint' },
  { when: (f) => ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED'].includes(f.sysCode ?? ''), code: 'ECERTUNTRUSTED', exit: EXIT.PROTOCOL, key: 'diag.untrusted', hint: 'diag.untrusted.hint' },
  { when: (f) => f.sysCode === 'ERR_TLS_CERT_ALTNAME_INVALID', code: 'ECERTNAME', exit: EXIT.PROTOCOL, key: 'diag.hostname', hint: 'diag.hostname.hint' },
  { when: (f) => f.sysCode === 'CERT_HAS_EXPIRED' || f.sysCode === 'CERT_NOT_YET_VALID', code: 'ECERTEXPIRED', exit: EXIT.PROTOCOL, key: 'diag.expired', hint: 'diag.untrusted.hint' },
  { when: (f) => f.responseCode === 530 && has(f, /STARTTLS|TLS/i), code: 'EMUSTTLS', exit: EXIT.PROTOCOL, key: 'diag.mustStarttls', hint: 'diag.mustStarttls.hint' },
  { when: (f) => (f.responseCode === 534 && enh(f, '5.7.9')) || (f.responseCode === 535 && enh(f, '5.7.8') && google(f)) || (f.responseCode === 534 && google(f)), code: 'EAUTH', exit: EXIT.NOPERM, key: 'diag.authGoogle', hint: 'diag.authGoogle.hint' },
  { when: (f) => f.responseCode === 535 && enh(f, '5.7.139'), code: 'EAUTH', exit: EXIT.NOPERM, key: 'diag.auth365Disabled', hint: 'diag.auth365Disabled.hint' },
  { when: (f) => f.responseCode === 535 && enh(f, '5.7.3'), code: 'EAUTH', exit: EXIT.NOPERM, key: 'diag.auth365', hint: 'diag.auth365.hint' },
  { when: (f) => f.responseCode === 550 && enh(f, '5.7.30'), code: 'EAUTH', exit: EXIT.NOPERM, key: 'diag.basicRetired', hint: 'diag.basicRetired.hint' },
  { when: (f) => f.stage === 'auth' && (f.responseCode ?? 0) >= 400 && (f.responseCode ?? 0) < 500, code: 'ETEMPFAIL', exit: EXIT.TEMPFAIL, key: 'diag.tempAuth', hint: 'diag.temp.hint' },
  { when: (f) => f.stage === 'auth' || f.code === 'EAUTH' || f.responseCode === 535, code: 'EAUTH', exit: EXIT.NOPERM, key: 'diag.auth', hint: 'diag.auth.hint' },
  { when: (f) => (f.responseCode === 550 && enh(f, '5.7.60')) || (f.responseCode === 553 && enh(f, '5.7.1')) || has(f, /sender address rejected|not owned by (the )?user|send ?as (permission|denied)/i), code: 'ESENDER', exit: EXIT.NOUSER, key: 'diag.sender', hint: 'diag.sender.hint' },
  { when: (f) => has(f, /relay(ing)? (access )?(denied|not permitted|prohibited)|not permitted to relay|unable to relay/i), code: 'ERELAY', exit: EXIT.NOUSER, key: 'diag.relay', hint: 'diag.relay.hint' },
  { when: (f) => f.responseCode === 552 || enh(f, '5.3.4') || has(f, /message (size|too (large|big))|exceeds? .*size/i), code: 'ETOOBIG', exit: EXIT.NOUSER, key: 'diag.tooBig', hint: 'diag.tooBig.hint' },
  { when: (f) => f.responseCode === 421, code: 'ETEMPFAIL', exit: EXIT.TEMPFAIL, key: 'diag.closing', hint: 'diag.temp.hint' },
  { when: (f) => f.responseCode === 452 || enh(f, '4.3.1'), code: 'ETEMPFAIL', exit: EXIT.TEMPFAIL, key: 'diag.storage', hint: 'diag.temp.hint' },
  { when: (f) => (f.responseCode ?? 0) >= 400 && (f.responseCode ?? 0) < 500, code: 'ETEMPFAIL', exit: EXIT.TEMPFAIL, key: 'diag.temp', hint: 'diag.temp.hint' },
  { when: (f) => (f.responseCode ?? 0) >= 500, code: 'EREJECTED', exit: EXIT.NOUSER, key: 'diag.rejected' },
  { when: (f) => f.code === 'ETLS' || /ERR_SSL|SSL|TLS|certificate/i.test(`${f.sysCode} ${f.message}`), code: 'ETLS', exit: EXIT.PROTOCOL, key: 'diag.tls', hint: 'diag.tls.hint' },
  { when: (f) => ['ECONNRESET', 'EPIPE'].includes(f.sysCode ?? '') || /closed unexpectedly|socket hang up|connection closed/i.test(f.message), code: 'EDROPPED', exit: EXIT.TEMPFAIL, key: 'diag.dropped', hint: 'diag.temp.hint' },
  { when: (f) => f.sysCode === 'ETIMEDOUT' || !!f.timeoutType || /timeout/i.test(f.message), code: 'ETIMEOUT', exit: EXIT.TEMPFAIL, key: 'diag.timeout', hint: 'diag.temp.hint' },
];

const FALLBACK: Rule = { when: () => true, code: 'ETEMPFAIL', exit: EXIT.TEMPFAIL, key: 'diag.unknown', hint: 'diag.temp.hint' };

/** Failures to reach a server on its port (not DNS, not a reply to a command): another port may work. */
const PORT_TROUBLE = new Set(['ECONNREFUSED', 'EUNREACHABLE', 'ECONNTIMEOUT', 'EGREETING', 'ETLSMODE', 'ETLS', 'ENOSTARTTLS', 'EDROPPED', 'ETIMEOUT']);

export function diagnose(f: Failure): MailcfgError {
  const rule = RULES.find((r) => r.when(f)) ?? FALLBACK;
  let hint = typeof rule.hint === 'function' ? rule.hint(f) : rule.hint;
  const response = (f.response ?? '').replace(/\s+/g, ' ').trim();
  const params: Record<string, string | number> = {
    host: f.host, port: f.port, response: response || f.message, email: f.email ?? '', reason: f.message,
  };
  // A provider documented on two ports (WP: 587 in its help, 465/SSL in ISPDB): when the preset's port fails, name the other.
  const preset = presetForHost(f.host);
  if (preset?.alternative && f.port === preset.port && (f.stage === 'connect' || f.stage === 'tls') && PORT_TROUBLE.has(rule.code)) {
    hint = 'diag.presetAlternative';
    Object.assign(params, { provider: preset.name, altPort: preset.alternative.port, altEncryption: preset.alternative.encryption });
  }
  return new MailcfgError({
    exit: rule.exit, code: rule.code, key: rule.key, params, hintKey: hint, hintParams: params, smtpCode: f.responseCode ?? null,
  });
}

/**
 * Whether a queued message stays for a later try. Only a permanent refusal of
 * the message (5xx to sender, recipients or data) fails it; a connection, TLS,
 * login or configuration problem is fixed by the administrator and the message
 * then goes out with the next flush.
 */
export function isTemporary(e: MailcfgError): boolean {
  return e.exit !== EXIT.NOUSER;
}
