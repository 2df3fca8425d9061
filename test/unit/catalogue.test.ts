import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/io/detect.js';
import { catalogueProposal, loginFromForm, lookupOffline, proposalAccount, socketToEncryption } from '../../src/core/detect.js';
import { parseAccount } from '../../src/core/account.js';

describe('built-in catalogue', () => {
  const cat = loadCatalogue();

  it('holds the 962 ISPDB domains', () => {
    expect(cat.size).toBe(962);
  });

  it('every row gives settings the account schema accepts', () => {
    for (const row of cat.values()) {
      const p = catalogueProposal(row, `jan.kowalski@${row.domain}`);
      const r = parseAccount({ ...proposalAccount(p), email: `jan.kowalski@${row.domain}` });
      expect(r.ok, `${row.domain}: ${JSON.stringify(r)}`).toBe(true);
    }
  });

  it.each([
    ['jankowalski@wp.pl', 'smtp.wp.pl', 587, 'jankowalski'],
    ['annanowak@op.pl', 'smtp.poczta.onet.pl', 465, 'annanowak@op.pl'],
    ['annanowa@gmail.com', 'smtp.gmail.com', 465, 'annanowa@gmail.com'],
    ['x@vp.pl', 'smtp.poczta.onet.pl', 465, 'x@vp.pl'],
    ['x@onet.eu', 'smtp.poczta.onet.pl', 465, 'x@onet.eu'],
  ])('%s → %s:%i login %s', (email, host, port, login) => {
    expect(lookupOffline(email, cat)).toMatchObject({ host, port, login });
  });

  it('login forms and socket types', () => {
    expect(loginFromForm('%EMAILLOCALPART%', 'jan@wp.pl')).toBe('jan');
    expect(loginFromForm('%EMAILADDRESS%', 'jan@wp.pl')).toBe('jan@wp.pl');
    expect(loginFromForm('%EMAILLOCALPART%.%EMAILDOMAIN%', 'jan@wp.pl')).toBe('jan.wp.pl');
    expect([socketToEncryption('SSL'), socketToEncryption('STARTTLS'), socketToEncryption('plain'), socketToEncryption('')]).toEqual(['ssl', 'starttls', 'auto', 'auto']);
  });
});
