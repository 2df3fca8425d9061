import { describe, expect, it } from 'vitest';
import { PRESETS, findPreset, presetAccount } from '../../src/core/presets.js';
import { mergeAccounts, parseAccount, withDefaults } from '../../src/core/account.js';

const common = {
  enabled: true, accountName: 'Comarch DMS', displayName: 'Comarch DMS – powiadomienia',
  description: 'Konto do wysyłania powiadomień Comarch DMS', serverType: 'SMTP', encryption: 'auto', auth: 'password',
} as const;

/** The three example accounts of the original documentation, field for field. */
const SEED = [
  { preset: 'wp', email: 'jankowalski@wp.pl', password: 'Konwalia369!', want: { host: 'smtp.wp.pl', port: 587, login: 'jankowalski' } },
  { preset: 'onet', email: 'annanowak@op.pl', password: 'Pierwiosnek479%', want: { host: 'smtp.poczta.onet.pl', port: 465, login: 'annanowak@op.pl' } },
  { preset: 'gmail', email: 'annanowa@gmail.com', password: 'pvlianprlvvrnrrn', want: { host: 'smtp.gmail.com', port: 465, login: 'annanowa@gmail.com' } },
];

describe('presets', () => {
  it('match the documented table', () => {
    expect(PRESETS.map((p) => [p.id, p.host, p.port, p.encryption, p.login, p.auth])).toEqual([
      ['wp', 'smtp.wp.pl', 587, 'auto', 'localpart', 'password'],
      ['onet', 'smtp.poczta.onet.pl', 465, 'auto', 'address', 'password'],
      ['gmail', 'smtp.gmail.com', 465, 'auto', 'address', 'password'],
      ['office365', 'smtp.office365.com', 587, 'starttls', 'address', 'oauth2'],
    ]);
  });

  it.each(SEED)('$preset gives the documented account of $email', ({ preset, email, password, want }) => {
    const p = findPreset(preset)!;
    const user = { enabled: true, accountName: 'Comarch DMS', email, displayName: common.displayName, replyTo: email, description: common.description, password };
    const r = parseAccount(mergeAccounts(withDefaults({}), presetAccount(p, email), user));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.account).toEqual({ ...common, email, replyTo: email, password, ...want });
  });

  it('finds presets case-insensitively and knows nothing else', () => {
    expect(findPreset('WP')?.id).toBe('wp');
    expect(findPreset('yahoo')).toBeUndefined();
  });
});
