import * as z from 'zod/mini';
import { domainToASCII } from 'node:url';
import type { MessageKey } from './messages.js';

/**
 * The account (SPEC §1): one zod schema, used by prompts, flags, env, import
 * and load alike. Validation messages are catalogue keys, translated at the edge.
 */

export const ENCRYPTIONS = ['none', 'ssl', 'starttls', 'auto'] as const;
export type Encryption = (typeof ENCRYPTIONS)[number];
export const AUTHS = ['password', 'oauth2', 'none'] as const;
export type AuthMethod = (typeof AUTHS)[number];
export const USUAL_PORTS = [25, 465, 587] as const;

export interface OAuth2Settings {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  authority?: string;
}
export interface TlsSettings {
  caFile?: string;
  insecure?: boolean;
}
export interface Account {
  enabled?: boolean;
  accountName?: string;
  email?: string;
  displayName?: string;
  replyTo?: string;
  description?: string;
  serverType?: 'SMTP';
  host?: string;
  port?: number;
  encryption?: Encryption;
  auth?: AuthMethod;
  login?: string;
  password?: string;
  oauth2?: OAuth2Settings;
  tls?: TlsSettings;
}

export { FIELDS, FIELD_KEYS, SECRET_KEYS, fieldSpec, envName, type FieldSpec } from './fields.js';
import { FIELD_KEYS, SECRET_KEYS } from './fields.js';

// ---------------------------------------------------------------- values

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** 4 or 6 for an IP literal, else 0 (as node:net's isIP, without loading the network stack). */
function isIP(s: string): 0 | 4 | 6 {
  if (IPV4.test(s)) return 4;
  if (!s.includes(':') || !/^[0-9a-f:.]+$/i.test(s)) return 0;
  try {
    new URL(`http://[${s}]/`);
    return 6;
  } catch {
    return 0;
  }
}

const CONTROL = /[\r\n\0]/;

type Ctx = { issues: unknown[] };

function issue(ctx: Ctx, key: MessageKey, value?: unknown): never {
  ctx.issues.push({ code: 'custom', message: key, input: value, params: { value: value === undefined ? '' : String(value) } });
  return z.NEVER as never;
}

/**
 * A field parser: raw value in, normalised value out, or a catalogue key as the issue. Every field is optional,
 * and "" or null mean "not set" (so an optional field can be cleared with ""). Two schema nodes a field: each one
 * costs start-up time.
 */
function field<T>(fn: (v: unknown, ctx: Ctx) => T) {
  return z.optional(z.transform((v: unknown, ctx) => (v === '' || v === null ? undefined : fn(v, ctx as unknown as Ctx))));
}

function text(kind: 'text' | 'secret') {
  return field((v, ctx): string => {
    if (typeof v === 'number') v = String(v);
    if (typeof v !== 'string') return issue(ctx, 'invalid.text');
    if (CONTROL.test(v)) return issue(ctx, 'invalid.control');
    return kind === 'text' ? v.trim() : v;
  });
}

const TRUE = new Set(['true', 'yes', 'y', 'tak', 't', '1', 'on']);
const FALSE = new Set(['false', 'no', 'n', 'nie', '0', 'off']);
export function parseBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return undefined;
}

const bool = field((v, ctx): boolean => parseBoolean(v) ?? issue(ctx, 'invalid.boolean', v));

/** Domain → ASCII (punycode) if it is a syntactically valid DNS name, else undefined. */
function asciiDomain(domain: string, needDot: boolean): string | undefined {
  if (!domain || domain.length > 253 || CONTROL.test(domain)) return undefined;
  const ascii = domainToASCII(domain.replace(/\.$/, ''));
  if (!ascii) return undefined;
  const labels = ascii.split('.');
  if (needDot && labels.length < 2) return undefined;
  const ok = labels.every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));
  return ok ? ascii : undefined;
}

const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
/** The same rule for ASCII: tried first, since compiling the Unicode one costs start-up time most addresses never need. */
const LOCAL_PART_ASCII = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** RFC 5321 mailbox (dot-atom local part, UTF-8 allowed), IDN domains and address literals accepted. */
export function isMailbox(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at < 1) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !(LOCAL_PART_ASCII.test(local) || LOCAL_PART.test(local))) return false;
  if (/^\[.+\]$/.test(domain)) {
    const lit = domain.slice(1, -1).replace(/^IPv6:/i, '');
    return isIP(lit) !== 0;
  }
  return asciiDomain(domain, true) !== undefined;
}

const email = field((v, ctx): string => {
  if (typeof v !== 'string') return issue(ctx, 'invalid.text');
  if (CONTROL.test(v)) return issue(ctx, 'invalid.control');
  const s = v.trim();
  return isMailbox(s) ? s : issue(ctx, 'invalid.email', s);
});

export function isHost(host: string): boolean {
  if (isIP(host)) return true;
  if (/^\[.+\]$/.test(host) && isIP(host.slice(1, -1)) === 6) return true;
  return asciiDomain(host, false) !== undefined;
}

const host = field((v, ctx): string => {
  if (typeof v !== 'string') return issue(ctx, 'invalid.text');
  if (CONTROL.test(v)) return issue(ctx, 'invalid.control');
  const s = v.trim();
  return isHost(s) ? s : issue(ctx, 'invalid.host', s);
});

const port = field((v, ctx): number => {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (!/^\d{1,5}$/.test(s)) return issue(ctx, 'invalid.port', v);
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : issue(ctx, 'invalid.port', v);
});

const ENCRYPTION_ALIASES: Record<string, Encryption> = {
  none: 'none', brak: 'none', plain: 'none',
  ssl: 'ssl', 'ssl/tls': 'ssl', smtps: 'ssl', implicit: 'ssl',
  starttls: 'starttls',
  auto: 'auto', automatic: 'auto', automatyczne: 'auto', automatycznie: 'auto',
};
const encryption = field((v, ctx): Encryption => {
  const s = String(v).trim().toLowerCase();
  if (s === 'tls') return issue(ctx, 'invalid.encryptionTls');
  return ENCRYPTION_ALIASES[s] ?? issue(ctx, 'invalid.encryption', v);
});

const AUTH_ALIASES: Record<string, AuthMethod> = {
  password: 'password', login: 'password', 'login i hasło': 'password', 'login i haslo': 'password', hasło: 'password', haslo: 'password',
  oauth2: 'oauth2', oauth: 'oauth2', xoauth2: 'oauth2',
  none: 'none', brak: 'none',
};
const auth = field((v, ctx): AuthMethod => AUTH_ALIASES[String(v).trim().toLowerCase()] ?? issue(ctx, 'invalid.auth', v));

const serverType = field((v, ctx): 'SMTP' => (String(v).trim().toUpperCase() === 'SMTP' ? 'SMTP' : issue(ctx, 'invalid.serverType')));

const url = field((v, ctx): string => {
  const s = String(v).trim();
  if (CONTROL.test(s)) return issue(ctx, 'invalid.control');
  return /^https:\/\/[^\s/]+/.test(s) ? s.replace(/\/+$/, '') : issue(ctx, 'invalid.url', s);
});

/** A nested group (oauth2, tls): optional, and "" or null mean "not set", as for a field. */
const group = (s: z.ZodMiniType) =>
  z.optional(z.pipe(z.transform((v: unknown): unknown => (v === '' || v === null ? undefined : v)), z.optional(s) as z.ZodMiniType));

const plainText = text('text');
const secret = text('secret');

export const accountSchema = z.pipe(
  z.strictObject({
    enabled: bool,
    accountName: plainText,
    email,
    displayName: plainText,
    replyTo: email,
    description: plainText,
    serverType,
    host,
    port,
    encryption,
    auth,
    login: plainText,
    password: secret,
    oauth2: group(
      z.strictObject({
        tenantId: plainText,
        clientId: plainText,
        clientSecret: secret,
        refreshToken: secret,
        authority: url,
      }),
    ),
    tls: group(z.strictObject({ caFile: plainText, insecure: bool })),
  }),
  z.transform((a) => normalizeAccount(stripUndefined(a as Record<string, unknown>) as Account)),
);

export function isGoogleHost(h: string | undefined): boolean {
  return !!h && /(^|\.)(gmail|googlemail|google)\.com$/i.test(h.replace(/\.$/, ''));
}
export function isMicrosoftHost(h: string | undefined): boolean {
  return !!h && /(^|\.)(office365\.com|outlook\.com|office\.com)$/i.test(h.replace(/\.$/, ''));
}

/** Rules that tie fields together: Gmail app passwords are shown with spaces; strip them. */
export function normalizeAccount(a: Account): Account {
  if (a.password !== undefined && isGoogleHost(a.host) && /^[a-z ]+$/i.test(a.password)) {
    a.password = a.password.replace(/ /g, '');
  }
  return a;
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === undefined) delete o[k];
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      stripUndefined(v as Record<string, unknown>);
      if (Object.keys(v).length === 0) delete o[k];
    }
  }
  return o;
}

export interface FieldIssue {
  field: string;
  key: MessageKey | 'unknownKey';
  params: Record<string, string>;
}

export type ParseResult = { ok: true; account: Account } | { ok: false; issues: FieldIssue[] };

export function parseAccount(input: unknown): ParseResult {
  const r = accountSchema.safeParse(input);
  if (r.success) return { ok: true, account: r.data as Account };
  const issues: FieldIssue[] = [];
  for (const i of r.error.issues) {
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) issues.push({ field: [...i.path, k].join('.'), key: 'unknownKey', params: {} });
      continue;
    }
    const raw = i as { params?: Record<string, string> };
    const key = (i.message in KNOWN_ISSUES ? i.message : 'invalid.text') as MessageKey;
    issues.push({ field: i.path.join('.'), key, params: raw.params ?? {} });
  }
  return { ok: false, issues };
}

const KNOWN_ISSUES: Record<string, true> = Object.fromEntries(
  ['invalid.control', 'invalid.email', 'invalid.host', 'invalid.port', 'invalid.encryption', 'invalid.encryptionTls', 'invalid.auth',
    'invalid.boolean', 'invalid.serverType', 'invalid.text', 'invalid.url'].map((k) => [k, true]),
);

/** Validate one field's raw value (a flag, an env variable, a prompt answer). */
export function parseField(key: string, raw: unknown): { ok: true; value: unknown } | { ok: false; issue: FieldIssue } {
  const r = parseAccount(setPath({}, key, raw));
  if (!r.ok) return { ok: false, issue: r.issues[0]! };
  return { ok: true, value: getPath(r.account, key) };
}

// ------------------------------------------------------------ dotted paths

export function getPath(obj: object, key: string): unknown {
  let cur: unknown = obj;
  for (const part of key.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function setPath<T extends object>(obj: T, key: string, value: unknown): T {
  const parts = key.split('.');
  let cur = obj as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (!cur[part] || typeof cur[part] !== 'object') cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return obj;
}

/** Deep merge of partial accounts, later ones winning field by field. */
export function mergeAccounts(...layers: Array<Account | undefined>): Account {
  const out: Account = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of FIELD_KEYS) {
      const v = getPath(layer, key);
      if (v !== undefined) setPath(out, key, v);
    }
  }
  return out;
}

// ------------------------------------------------------------ completeness

/** Fields still needed before mail can be sent with this account. */
export function missingFields(a: Account, opts: { passwordAvailable?: boolean } = {}): string[] {
  const missing: string[] = [];
  for (const k of ['accountName', 'email', 'host', 'port'] as const) if (a[k] === undefined) missing.push(k);
  const method = a.auth ?? 'password';
  if (method === 'password') {
    if (!a.login) missing.push('login');
    if (!a.password && !opts.passwordAvailable) missing.push('password');
  } else if (method === 'oauth2') {
    if (!a.oauth2?.tenantId) missing.push('oauth2.tenantId');
    if (!a.oauth2?.clientId) missing.push('oauth2.clientId');
    if (!a.oauth2?.clientSecret && !a.oauth2?.refreshToken) missing.push('oauth2.clientSecret');
    if (!a.login && !a.email) missing.push('login');
  }
  return missing;
}

/** Fill the defaults the product documents: enabled, SMTP, encryption auto, login and password. */
export function withDefaults(a: Account): Account {
  return { enabled: true, serverType: 'SMTP', encryption: 'auto', auth: 'password', ...a };
}

export function isLoopback(host: string | undefined): boolean {
  return !!host && (/^127\./.test(host) || host === '::1' || host === '[::1]' || host.toLowerCase() === 'localhost');
}

/** Ports other than 25/465/587 must be opened by a hosting provider; loopback servers are exempt. */
export function isUnusualPort(p: number | undefined, host?: string): boolean {
  return p !== undefined && !isLoopback(host) && !(USUAL_PORTS as readonly number[]).includes(p);
}

/** Gmail app passwords are 16 letters once spaces are removed. */
export function isGmailAppPassword(p: string): boolean {
  return /^[a-z]{16}$/i.test(p.replace(/ /g, ''));
}

/** Remove every secret, for display and export. */
export function withoutSecrets(a: Account): Account {
  const copy = structuredClone(a);
  for (const k of SECRET_KEYS) setPath(copy, k, undefined);
  if (copy.oauth2 && Object.keys(copy.oauth2).length === 0) delete copy.oauth2;
  return copy;
}

export function hasSecret(a: Account, key: string): boolean {
  return getPath(a, key) !== undefined;
}
