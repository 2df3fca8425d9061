import type { Lang, MessageKey } from '../core/messages.js';
import type { Output } from '../io/output.js';
import type { Paths } from '../io/paths.js';
import {
  FIELDS, envName, parseAccount, isUnusualPort, isGoogleHost, isGmailAppPassword, missingFields, fieldSpec, setPath,
  type Account, type FieldIssue,
} from '../core/account.js';
import { MailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';
import { loadProfile } from '../io/store.js';

/** What every command receives from the entry point. */
export interface Ctx {
  lang: Lang;
  out: Output;
  env: NodeJS.ProcessEnv;
  profile: string;
  paths: Paths;
  /** false with --yes, CI set, or no terminal on stdin: nothing is ever prompted. */
  interactive: boolean;
  timeoutMs: number;
  stdin: NodeJS.ReadableStream;
  /**
   * Runs fn; a Ctrl-C (or SIGTERM) meanwhile runs `interrupted` — which puts back what fn holds and says so —
   * and ends the run with 130.
   */
  interruptible<T>(interrupted: () => void, fn: () => Promise<T>): Promise<T>;
}

/** Commander attribute for a field flag: `account-name` → `accountName`. */
function optionName(flag: string): string {
  return flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function invalid(issues: FieldIssue[], source: (field: string) => string): MailcfgError {
  const first = issues[0]!;
  if (issues.length === 1 && first.key !== 'unknownKey') {
    return new MailcfgError({
      exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.invalidField', params: { field: source(first.field) },
      issues,
    });
  }
  return new MailcfgError({ exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.invalidValues', issues });
}

/** Field flags (`--host`, `--port`, …) as a validated partial account. */
export function accountFromFlags(opts: Record<string, unknown>): Account {
  const raw: Record<string, unknown> = {};
  for (const f of FIELDS) {
    if (!f.flag) continue;
    const v = opts[optionName(f.flag)];
    if (v !== undefined) setPath(raw, f.key, v);
  }
  const r = parseAccount(raw);
  if (!r.ok) throw invalid(r.issues, (field) => `--${fieldSpec(field)?.flag ?? field}`);
  return r.account;
}

/** MAILCFG_<KEY> variables as a validated partial account. MAILCFG_PASSWORD only when asked for (never saved). */
export function accountFromEnv(env: NodeJS.ProcessEnv, opts: { includePassword: boolean }): Account {
  const raw: Record<string, unknown> = {};
  for (const f of FIELDS) {
    if (f.key === 'serverType') continue;
    if (f.secret && !opts.includePassword) continue;
    const v = env[envName(f.key)];
    if (v !== undefined && v !== '') setPath(raw, f.key, v);
  }
  const r = parseAccount(raw);
  if (!r.ok) throw invalid(r.issues, envName);
  return r.account;
}

export function loadSaved(ctx: Ctx): Account | undefined {
  const loaded = loadProfile(ctx.paths.profileFile);
  if (loaded?.modeWarning) {
    ctx.out.warn(ctx.out.t('warn.fileMode', { path: ctx.paths.profileFile, mode: loaded.modeWarning.mode, want: '600' }));
  }
  return loaded?.account;
}

/** One line from stdin, for --password-stdin; the trailing newline is not part of the password. */
export async function readStdinLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    if (Buffer.concat(chunks).includes(10)) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new MailcfgError({ exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.noStdinPassword' });
  return line;
}

export function passwordLayer(password: string | undefined): Account | undefined {
  if (password === undefined) return undefined;
  const r = parseAccount({ password });
  if (!r.ok) throw invalid(r.issues, () => '--password-stdin');
  return r.account;
}

/** exit 78 listing what is missing; the flags that would supply it are named. */
export function requireComplete(a: Account, opts: { passwordAvailable?: boolean; run?: boolean } = {}): void {
  const missing = missingFields(a, opts);
  if (missing.length === 0) return;
  // a run (verify, test-send, flush) saves nothing: its password comes from the environment, not from stdin
  const passwordFrom = opts.run ? envName('password') : '--password-stdin';
  const flags = missing
    .map((k) => (k === 'password' ? passwordFrom : fieldSpec(k)?.flag ? `--${fieldSpec(k)!.flag}` : envName(k)))
    .join(' ');
  throw new MailcfgError({
    exit: EXIT.CONFIG, code: 'ECONFIG', key: 'err.missing', params: { fields: missing.join(', ') },
    hintKey: 'err.missing.hint', hintParams: { flags },
  });
}

export function refuseGoogleOauth(a: Account): void {
  if (a.auth === 'oauth2' && (isGoogleHost(a.host) || /@(gmail|googlemail)\.com$/i.test(a.email ?? ''))) {
    throw new MailcfgError({ exit: EXIT.CONFIG, code: 'ECONFIG', key: 'err.googleOauth', hintKey: 'err.googleOauth.hint' });
  }
}

/** The warnings that apply to an account (message keys with their parameters). */
function warningsOf(a: Account): Array<[MessageKey, Record<string, string | number>]> {
  const w: Array<[MessageKey, Record<string, string | number>]> = [];
  if (isUnusualPort(a.port, a.host)) w.push(['warn.unusualPort', { port: a.port! }]);
  if (a.tls?.insecure) w.push(['warn.insecureTls', {}]);
  if (a.encryption === 'none' && (a.auth ?? 'password') !== 'none') w.push(['warn.encryptionNone', {}]);
  if (isGoogleHost(a.host) && (a.auth ?? 'password') === 'password' && a.password && !isGmailAppPassword(a.password)) {
    w.push(['warn.gmailPassword', { count: a.password.length }]);
  }
  return w;
}

/**
 * Warnings an administrator should see whenever such an account is saved or used. With `before` (a change of one
 * field), only those the change brings: setting the description does not repeat the warning about the port.
 */
export function accountWarnings(ctx: Ctx, a: Account, before?: Account): void {
  const { out } = ctx;
  const id = ([key, params]: [MessageKey, Record<string, string | number>]) => key + JSON.stringify(params);
  const known = new Set(before ? warningsOf(before).map(id) : []);
  for (const w of warningsOf(a)) if (!known.has(id(w))) out.warn(out.t(w[0], w[1]));
}
