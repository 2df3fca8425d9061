import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfile, saveProfile } from '../../src/io/store.js';
import { tempConfig } from '../helpers/cli.js';
import { MailcfgError } from '../../src/core/errors.js';

const jan = {
  enabled: true, accountName: 'Comarch DMS', email: 'jankowalski@wp.pl', displayName: 'Comarch DMS – powiadomienia',
  replyTo: 'jankowalski@wp.pl', host: 'smtp.wp.pl', port: 587, encryption: 'auto' as const, auth: 'password' as const,
  login: 'jankowalski', password: 'Konwalia369!',
};

describe('profile store (real conf, temp dir)', () => {
  it('round-trips a profile with 0700 directories and a 0600 file', async () => {
    const dir = tempConfig();
    const file = join(dir, 'cfg', 'profiles', 'default.json');
    await saveProfile(file, jan);
    expect(loadProfile(file)?.account).toEqual(jan);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'cfg', 'profiles')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'cfg')).mode & 0o777).toBe(0o700);
    expect(loadProfile(file)?.modeWarning).toBeUndefined();
  });

  it('reports a file readable by others', async () => {
    const file = join(tempConfig(), 'profiles', 'default.json');
    await saveProfile(file, jan);
    chmodSync(file, 0o644);
    expect(loadProfile(file)?.modeWarning).toEqual({ mode: '644' });
  });

  it('returns nothing for a missing profile', () => {
    expect(loadProfile(join(tempConfig(), 'profiles', 'none.json'))).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"host": "smtp.wp.pl",'],
    ['invalid values', JSON.stringify({ host: 'smtp.wp.pl', port: 99999 })],
    ['unknown keys', JSON.stringify({ hots: 'smtp.wp.pl' })],
  ])('refuses a corrupt file (%s) with exit 74 and leaves it untouched', async (_name, content) => {
    const dir = join(tempConfig(), 'profiles');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'default.json');
    writeFileSync(file, content);
    let caught: unknown;
    try {
      loadProfile(file);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(MailcfgError);
    expect((caught as MailcfgError).exit).toBe(74);
    expect((caught as MailcfgError).params.path).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe(content);
  });
});
