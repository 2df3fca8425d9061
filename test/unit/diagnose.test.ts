import { describe, expect, it } from 'vitest';
import { diagnose, type Failure } from '../../src/core/diagnose.js';
import { t } from '../../src/core/messages.js';

const at = (host: string, port: number, f: Partial<Failure>): Failure => ({ message: '', stage: 'connect', host, port, ...f });
const hint = (f: Failure, lang: 'en' | 'pl' = 'en') => {
  const e = diagnose(f);
  return e.hintKey ? t(lang, e.hintKey, e.hintParams) : '';
};

describe('a failure on the port a preset documents, where the provider documents another', () => {
  it.each([
    ['refused', { sysCode: 'ECONNREFUSED' }],
    ['connect timeout', { timeoutType: 'CONNECT_TIMEOUT' }],
    ['no greeting', { timeoutType: 'GREETING_TIMEOUT' }],
    ['no STARTTLS', { code: 'ENOSTARTTLS', stage: 'tls' as const }],
  ])('smtp.wp.pl:587 %s → try 465 with ssl', (_name, f) => {
    expect(hint(at('smtp.wp.pl', 587, f))).toBe(
      'Poczta WP documents this server on two ports: try --port 465 --encryption ssl (the mode the public Thunderbird database lists).',
    );
    expect(hint(at('smtp.wp.pl', 587, f), 'pl')).toContain('spróbuj --port 465 --encryption ssl');
  });

  it('keeps the usual hints elsewhere: another port, a DNS failure, a refused login, another provider', () => {
    expect(hint(at('smtp.wp.pl', 465, { sysCode: 'ECONNREFUSED' }))).toContain('the usual open ports are 25, 465 and 587');
    expect(hint(at('smtp.wp.pl', 587, { sysCode: 'ENOTFOUND' }))).toContain('Check the spelling of the server name');
    expect(hint(at('smtp.wp.pl', 587, { stage: 'auth', code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Error: authentication failed' }))).not.toContain('--port 465');
    expect(hint(at('smtp.poczta.onet.pl', 465, { sysCode: 'ECONNREFUSED' }))).toContain('the usual open ports are 25, 465 and 587');
  });
});
