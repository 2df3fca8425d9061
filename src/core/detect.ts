import type { Account, Encryption } from './account.js';
import { PRESETS, deriveLogin, presetAccount, type Preset } from './presets.js';

/** Where a proposed setting came from, in the order detection tries them. */
export type Source = 'preset' | 'catalogue' | 'autoconfig' | 'mx' | 'srv' | 'probe';

export interface Proposal {
  source: Source;
  /** What the source was: preset id, catalogue provider, URL, MX host, SRV record, probed host:port. */
  from: string;
  host: string;
  port: number;
  encryption: Encryption;
  auth: 'password' | 'oauth2';
  login: string;
  /** Other servers the source lists (host:port/mode). */
  alternatives: string[];
}

export interface CatalogueRow {
  domain: string;
  provider: string;
  host: string;
  port: number;
  socket: string;
  username: string;
  alternatives: string[];
}

/** The built-in catalogue (ISPDB facts), one row per domain. */
export function parseCatalogue(tsv: string): Map<string, CatalogueRow> {
  const rows = new Map<string, CatalogueRow>();
  for (const line of tsv.split('\n').slice(1)) {
    const c = line.split('\t');
    if (c.length < 6 || !c[0]) continue;
    rows.set(c[0].toLowerCase(), {
      domain: c[0].toLowerCase(), provider: c[1]!, host: c[2]!, port: Number(c[3]), socket: c[4] ?? '', username: c[5] ?? '%EMAILADDRESS%',
      alternatives: c[8] && c[8] !== '-' ? c[8].split(/[ ,;|]+/).filter(Boolean) : [],
    });
  }
  return rows;
}

/** SSL → ssl, STARTTLS → starttls; "plain" or unknown → auto (credentials still never go in clear). */
export function socketToEncryption(socket: string): Encryption {
  const s = socket.trim().toUpperCase();
  return s === 'SSL' ? 'ssl' : s === 'STARTTLS' ? 'starttls' : 'auto';
}

/** Thunderbird's placeholders, in user names and in host names alike. */
export function loginFromForm(form: string, email: string): string {
  const at = email.lastIndexOf('@');
  return form
    .replace(/%EMAILADDRESS%/g, email)
    .replace(/%EMAILLOCALPART%/g, email.slice(0, at))
    .replace(/%EMAILDOMAIN%/g, email.slice(at + 1));
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
}

function presetProposal(p: Preset, email: string, from = p.id): Proposal {
  const a = presetAccount(p, email);
  return {
    source: 'preset', from, host: a.host!, port: a.port!, encryption: a.encryption!, auth: p.auth === 'oauth2' ? 'oauth2' : 'password',
    login: deriveLogin(p.login, email)!, alternatives: p.alternative ? [`${p.host}:${p.alternative.port}/${p.alternative.encryption.toUpperCase()}`] : [],
  };
}

export function catalogueProposal(row: CatalogueRow, email: string, source: Source = 'catalogue', from = `ISPDB ${row.provider}`): Proposal {
  return {
    source, from, host: loginFromForm(row.host, email).toLowerCase(), port: row.port, encryption: socketToEncryption(row.socket), auth: 'password',
    login: loginFromForm(row.username, email), alternatives: row.alternatives,
  };
}

/** Offline step: the presets (they win), then the catalogue, by the address's domain. */
export function lookupOffline(email: string, catalogue: Map<string, CatalogueRow>): Proposal | undefined {
  const domain = domainOf(email);
  const preset = PRESETS.find((p) => p.domains.includes(domain));
  if (preset) return presetProposal(preset, email);
  const row = catalogue.get(domain);
  return row ? catalogueProposal(row, email) : undefined;
}

export interface AutoconfigServer {
  hostname: string;
  port: number;
  socketType: string;
  username: string;
}

/** Proposals from the outgoing servers of a Thunderbird autoconfig document (first is preferred). */
export function autoconfigProposals(servers: AutoconfigServer[], email: string, url: string): Proposal[] {
  const smtp = servers.filter((s) => s.hostname && s.port);
  return smtp.map((s, i) => ({
    source: 'autoconfig' as const, from: url, host: loginFromForm(s.hostname, email).toLowerCase(), port: s.port, encryption: socketToEncryption(s.socketType), auth: 'password' as const,
    login: loginFromForm(s.username || '%EMAILADDRESS%', email),
    alternatives: smtp.filter((_, j) => j !== i).map((x) => `${x.hostname}:${x.port}/${x.socketType}`),
  }));
}

/** MX hosted by Google → Gmail settings; by Microsoft → Microsoft 365; else a catalogue domain the MX belongs to. */
export function mxProposal(mxHosts: string[], email: string, catalogue: Map<string, CatalogueRow>): Proposal | undefined {
  for (const raw of mxHosts) {
    const mx = raw.toLowerCase().replace(/\.$/, '');
    if (/(^|\.)(google\.com|googlemail\.com)$/.test(mx)) return { ...presetProposal(PRESETS.find((p) => p.id === 'gmail')!, email), source: 'mx', from: mx };
    if (/\.mail\.protection\.outlook\.com$/.test(mx)) return { ...presetProposal(PRESETS.find((p) => p.id === 'office365')!, email), source: 'mx', from: mx };
    const labels = mx.split('.');
    for (let i = 1; i < labels.length - 1; i++) {
      const base = labels.slice(i).join('.');
      const preset = PRESETS.find((p) => p.domains.includes(base));
      if (preset) return { ...presetProposal(preset, email), source: 'mx', from: mx };
      const row = catalogue.get(base);
      if (row) return catalogueProposal(row, email, 'mx', mx);
    }
  }
  return undefined;
}

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** RFC 8314 `_submissions._tcp` (implicit TLS) first, then RFC 6186 `_submission._tcp` (STARTTLS). "." means no service. */
export function srvProposal(submissions: SrvRecord[], submission: SrvRecord[], email: string): Proposal | undefined {
  const pick = (rs: SrvRecord[]) => [...rs].filter((r) => r.name && r.name !== '.').sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
  const tls = pick(submissions);
  if (tls) return { source: 'srv', from: `_submissions._tcp → ${tls.name}:${tls.port}`, host: tls.name.replace(/\.$/, ''), port: tls.port, encryption: 'ssl', auth: 'password', login: email, alternatives: [] };
  const plain = pick(submission);
  if (plain) return { source: 'srv', from: `_submission._tcp → ${plain.name}:${plain.port}`, host: plain.name.replace(/\.$/, ''), port: plain.port, encryption: 'starttls', auth: 'password', login: email, alternatives: [] };
  return undefined;
}

/** The fields a proposal sets in a profile. */
export function proposalAccount(p: Proposal): Account {
  return { serverType: 'SMTP', host: p.host, port: p.port, encryption: p.encryption, auth: p.auth, login: p.login };
}
