import { describe, expect, it } from 'vitest';
import { parseAccount, parseField, envName, isMailbox, missingFields, isUnusualPort, mergeAccounts } from '../../src/core/account.js';

describe('account fields', () => {
  it.each([
    ['jankowalski@wp.pl', true],
    ['annanowak@op.pl', true],
    ['annanowa@gmail.com', true],
    ['urszula.kowal+dms@domena.com', true],
    ['zażółć@gęślą.pl', true], // IDN domain, UTF-8 local part
    ['user@xn--gl-1ka.pl', true],
    ['jan@[127.0.0.1]', true],
    ['jan', false],
    ['@wp.pl', false],
    ['jan@', false],
    ['jan@wp', false],
    ['jan..kowalski@wp.pl', false],
    ['.jan@wp.pl', false],
    ['jan kowalski@wp.pl', false],
    ['jan@-wp.pl', false],
    ['a'.repeat(65) + '@wp.pl', false],
  ])('mailbox %s → %s', (address, ok) => {
    expect(isMailbox(address)).toBe(ok);
  });

  it.each([
    ['accountName', 'Comarch DMS\r\nBcc: victim@example.com'],
    ['displayName', 'Comarch DMS\nBcc: x@y.pl'],
    ['description', 'a\0b'],
    ['login', 'jan\rkowalski'],
    ['password', 'Konwalia369!\r\nRCPT TO:<x@y.pl>'],
    ['email', 'jan@wp.pl\r\nBcc: x@y.pl'],
    ['replyTo', 'jan@wp.pl\nX: y'],
    ['host', 'smtp.wp.pl\r\n'],
    ['tls.caFile', '/tmp/ca.pem\n'],
  ])('%s refuses CR, LF and NUL (header injection)', (key, value) => {
    const r = parseField(key, value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issue.key).toBe('invalid.control');
  });

  it.each([
    ['0', false], ['1', true], ['25', true], ['465', true], ['587', true], ['2525', true], ['65535', true], ['65536', false],
    ['-1', false], ['587.5', false], ['abc', false], [' 587 ', true], ['1e3', false],
  ])('port %j valid=%s', (value, ok) => {
    const r = parseField('port', value);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.issue.key).toBe('invalid.port');
  });

  it('treats an empty value as "not set" (clears an optional field)', () => {
    expect(parseField('replyTo', '')).toEqual({ ok: true, value: undefined });
  });

  it('warns about ports other than 25, 465, 587 except on loopback', () => {
    expect([25, 465, 587, 2525, 1].map((p) => isUnusualPort(p, 'smtp.wp.pl'))).toEqual([false, false, false, true, true]);
    expect(isUnusualPort(2525, '127.0.0.1')).toBe(false);
  });

  it.each([
    ['none', 'none'], ['brak', 'none'], ['Brak', 'none'], ['ssl', 'ssl'], ['SSL/TLS', 'ssl'], ['starttls', 'starttls'],
    ['STARTTLS', 'starttls'], ['auto', 'auto'], ['automatyczne', 'auto'], ['Automatyczne', 'auto'],
  ])('encryption %s → %s', (raw, want) => {
    const r = parseField('encryption', raw);
    expect(r).toEqual({ ok: true, value: want });
  });

  it('refuses the ambiguous "tls" with a did-you-mean', () => {
    const r = parseField('encryption', 'tls');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issue.key).toBe('invalid.encryptionTls');
    const bad = parseField('encryption', 'magic');
    expect(!bad.ok && bad.issue.key).toBe('invalid.encryption');
  });

  it.each([
    ['password', 'password'], ['login i hasło', 'password'], ['oauth2', 'oauth2'], ['none', 'none'], ['brak', 'none'],
  ])('auth %s → %s', (raw, want) => {
    expect(parseField('auth', raw)).toEqual({ ok: true, value: want });
  });

  it.each([['tak', true], ['nie', false], ['yes', true], ['no', false], ['true', true], ['0', false]])('enabled %s → %s', (raw, want) => {
    expect(parseField('enabled', raw)).toEqual({ ok: true, value: want });
  });

  it('serverType is always SMTP', () => {
    expect(parseField('serverType', 'smtp')).toEqual({ ok: true, value: 'SMTP' });
    expect(parseField('serverType', 'IMAP').ok).toBe(false);
  });

  it('accepts IDN and IP hosts, refuses garbage', () => {
    for (const h of ['smtp.wp.pl', 'poczta.gęśla.pl', '127.0.0.1', '::1', '[::1]', 'localhost', 'mail-01.internal']) expect(parseField('host', h).ok, h).toBe(true);
    for (const h of ['smtp..wp.pl', 'smtp wp.pl', '-smtp.wp.pl', 'smtp.wp.pl:587', 'http://smtp.wp.pl']) expect(parseField('host', h).ok, h).toBe(false);
  });

  it('strips the spaces Google shows in app passwords', () => {
    const r = parseAccount({ host: 'smtp.gmail.com', password: 'pvli anpr lvvr nrrn' });
    expect(r.ok && r.account.password).toBe('pvlianprlvvrnrrn');
    const other = parseAccount({ host: 'smtp.wp.pl', password: 'a b c' });
    expect(other.ok && other.account.password).toBe('a b c');
  });

  it('refuses unknown keys in a whole account (import)', () => {
    const r = parseAccount({ host: 'smtp.wp.pl', colour: 'red' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ field: 'colour', key: 'unknownKey' });
  });

  it('names env variables in upper snake case', () => {
    expect(envName('host')).toBe('MAILCFG_HOST');
    expect(envName('replyTo')).toBe('MAILCFG_REPLY_TO');
    expect(envName('tls.caFile')).toBe('MAILCFG_TLS_CA_FILE');
    expect(envName('oauth2.clientSecret')).toBe('MAILCFG_OAUTH2_CLIENT_SECRET');
  });

  it('lists what is missing before mail can be sent', () => {
    expect(missingFields({})).toEqual(['accountName', 'email', 'host', 'port', 'login', 'password']);
    expect(missingFields({ accountName: 'A', email: 'a@b.pl', host: 'h', port: 25, auth: 'none' })).toEqual([]);
    expect(missingFields({ accountName: 'A', email: 'a@b.pl', host: 'h', port: 25, login: 'a' }, { passwordAvailable: true })).toEqual([]);
    expect(missingFields({ accountName: 'A', email: 'a@b.pl', host: 'h', port: 587, auth: 'oauth2' })).toEqual(['oauth2.tenantId', 'oauth2.clientId', 'oauth2.clientSecret']);
  });

  it('merges layers field by field, later winning', () => {
    expect(mergeAccounts({ host: 'a', port: 1, tls: { caFile: 'x' } }, { port: 2, tls: { insecure: true } })).toEqual({ host: 'a', port: 2, tls: { caFile: 'x', insecure: true } });
  });
});
