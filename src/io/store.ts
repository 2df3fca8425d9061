import { readFileSync, statSync, unlinkSync, readdirSync } from 'node:fs';
import { dirname, basename } from 'node:path';
import { parseAccount, type Account } from '../core/account.js';
import { parseJson, jsonReason } from '../core/json.js';
import { MailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';
import { ensurePrivateDir, ioError } from './fsutil.js';

export interface LoadedProfile {
  account: Account;
  /** Set when the file is readable by group or others. */
  modeWarning?: { mode: string };
}

/**
 * Reads are plain fs + the account schema (fast: `mailcfg show` must not pay
 * for conf's validator). A corrupt or invalid file is an error (exit 74) and
 * is never rewritten.
 */
export function loadProfile(file: string): LoadedProfile | undefined {
  let text: string;
  let mode: number;
  try {
    text = readFileSync(file, 'utf8');
    mode = statSync(file).mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError('read', file, e);
  }
  const json = parseJson(text);
  if (!json.ok) {
    throw new MailcfgError({
      exit: EXIT.IOERR, code: 'ECORRUPT', key: 'err.corruptJson', params: { path: file, reason: jsonReason(json) }, hintKey: 'err.corrupt.hint',
    });
  }
  const parsed = parseAccount(json.value);
  if (!parsed.ok) {
    throw new MailcfgError({
      exit: EXIT.IOERR, code: 'ECORRUPT', key: 'err.invalidStored', params: { path: file }, hintKey: 'err.corrupt.hint',
      issues: parsed.issues,
    });
  }
  const result: LoadedProfile = { account: parsed.account };
  if ((mode & 0o077) !== 0) result.modeWarning = { mode: (mode & 0o777).toString(8) };
  return result;
}

/** Atomic write through conf, file mode 0600, directory 0700. */
export async function saveProfile(file: string, account: Account): Promise<void> {
  const dir = dirname(file);
  ensurePrivateDir(dir);
  ensurePrivateDir(dirname(dir));
  const { default: Conf } = await import('conf');
  try {
    const conf = new Conf<Record<string, unknown>>({
      cwd: dir,
      configName: basename(file, '.json'),
      configFileMode: 0o600,
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
    });
    conf.store = JSON.parse(JSON.stringify(account)) as Record<string, unknown>;
  } catch (e) {
    throw ioError('write', file, e);
  }
}

export function deleteProfile(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw ioError('delete', file, e);
  }
}

export function listProfiles(profilesDir: string): string[] {
  try {
    return readdirSync(profilesDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  } catch {
    return [];
  }
}
