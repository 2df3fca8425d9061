import type { Account, AuthMethod, Encryption } from './account.js';
import type { MessageKey } from './messages.js';

export type LoginRule = 'localpart' | 'address';

export interface Preset {
  id: string;
  name: string;
  host: string;
  port: number;
  encryption: Encryption;
  auth: AuthMethod;
  login: LoginRule;
  domains: string[];
  note: MessageKey;
  /** Where the provider's other documented mode lives: suggested when the preset's port fails. */
  alternative?: { port: number; encryption: Encryption };
}

/** The documented presets (SPEC §3). Data, not code. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'wp', name: 'Poczta WP', host: 'smtp.wp.pl', port: 587, encryption: 'auto', auth: 'password', login: 'localpart', domains: ['wp.pl'], note: 'preset.wp.note',
    alternative: { port: 465, encryption: 'ssl' },
  },
  {
    id: 'onet', name: 'Onet Poczta', host: 'smtp.poczta.onet.pl', port: 465, encryption: 'auto', auth: 'password', login: 'address',
    domains: ['onet.pl', 'op.pl', 'vp.pl', 'onet.eu', 'poczta.onet.pl', 'onet.com.pl', 'spoko.pl', 'autograf.pl', 'buziaczek.pl', 'amorki.pl'],
    note: 'preset.onet.note',
  },
  { id: 'gmail', name: 'Poczta Google (Gmail)', host: 'smtp.gmail.com', port: 465, encryption: 'auto', auth: 'password', login: 'address', domains: ['gmail.com', 'googlemail.com'], note: 'preset.gmail.note' },
  { id: 'office365', name: 'Microsoft 365', host: 'smtp.office365.com', port: 587, encryption: 'starttls', auth: 'oauth2', login: 'address', domains: [], note: 'preset.office365.note' },
];

export function findPreset(id: string): Preset | undefined {
  const want = id.trim().toLowerCase();
  return PRESETS.find((p) => p.id === want);
}

/** Presets whose host matches, used to derive the login rule for a hand-typed host. */
export function presetForHost(host: string | undefined): Preset | undefined {
  if (!host) return undefined;
  const h = host.toLowerCase().replace(/\.$/, '');
  return PRESETS.find((p) => p.host === h);
}

export function deriveLogin(rule: LoginRule, email: string | undefined): string | undefined {
  if (!email) return undefined;
  return rule === 'localpart' ? email.slice(0, email.lastIndexOf('@')) : email;
}

/** The server fields a preset sets; the login follows the provider's rule. */
export function presetAccount(p: Preset, email: string | undefined): Account {
  const a: Account = { serverType: 'SMTP', host: p.host, port: p.port, encryption: p.encryption, auth: p.auth };
  const login = deriveLogin(p.login, email);
  if (login !== undefined) a.login = login;
  return a;
}
