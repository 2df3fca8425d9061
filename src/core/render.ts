import { FIELDS, getPath, type Account } from './account.js';
import { t, type Lang, type MessageKey } from './messages.js';

/** A field's value as a person reads it; secrets masked unless revealed. */
export function displayValue(lang: Lang, key: string, value: unknown, reveal = false): string {
  if (value === undefined || value === '') return t(lang, 'value.notSet');
  const spec = FIELDS.find((f) => f.key === key);
  if (spec?.secret) return reveal ? String(value) : t(lang, 'value.masked');
  if (typeof value === 'boolean') return t(lang, value ? 'value.yes' : 'value.no');
  if (key === 'encryption') return `${value} (${t(lang, `enc.${value}` as MessageKey).split(' — ')[0]})`;
  if (key === 'auth') return t(lang, `auth.${value}` as MessageKey);
  return String(value);
}

/** Label/value lines in the order of the original settings tab; optional nested fields only when set. */
export function accountLines(lang: Lang, a: Account, reveal = false): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  const method = a.auth ?? 'password';
  for (const f of FIELDS) {
    const v = getPath(a, f.key);
    if (f.key === 'serverType') {
      lines.push([t(lang, f.label), 'SMTP']);
      continue;
    }
    if (f.key === 'password' && method !== 'password') continue;
    if (f.key.startsWith('oauth2.') && method !== 'oauth2') continue;
    if ((f.key.startsWith('oauth2.') || f.key.startsWith('tls.')) && v === undefined) continue;
    lines.push([t(lang, f.label), displayValue(lang, f.key, v, reveal)]);
  }
  return lines;
}

/** Rows as columns, each padded to its widest cell (the last column is not padded). */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length))).join('  ')).join('\n');
}

export function formatLines(lines: Array<[string, string]>): string {
  return formatTable(lines);
}

/** An ISO timestamp as local "YYYY-MM-DD HH:MM:SS", the way a person reads a queue. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
