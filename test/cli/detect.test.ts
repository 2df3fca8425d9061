import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, tempConfig } from '../helpers/cli.js';
import { startDns, type DnsServer } from '../helpers/dns.js';
import { testCerts } from '../helpers/smtp.js';
import { makeCertificates } from '../../src/io/certs.js';
import { SMTPServer } from 'smtp-server';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function dns(zone: Parameters<typeof startDns>[0], opts?: { silent?: boolean }): Promise<DnsServer> {
  const d = await startDns(zone, opts);
  open.push(d);
  return d;
}

/** Autoconfig documents served over HTTPS on loopback; URL templates point mailcfg at them. */
async function autoconfig(docs: Record<string, string>) {
  const { server: tls, caFile } = await testCerts();
  const hits: string[] = [];
  const s = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    hits.push(req.url ?? '');
    const domain = (req.url ?? '').split('/')[1] ?? '';
    const doc = docs[domain];
    res.writeHead(doc ? 200 : 404, { 'content-type': 'text/xml' });
    res.end(doc ?? 'not found');
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  open.push({ close: () => new Promise((r) => s.close(() => r())) });
  return { urls: `https://127.0.0.1:${port}/{domain}/mail/config-v1.1.xml?emailaddress={email}`, caFile, hits };
}

const env = (extra: Record<string, string> = {}) => ({ MAILCFG_CONFIG_DIR: tempConfig(), MAILCFG_AUTOCONFIG_URLS: 'https://127.0.0.1:1/{domain}', ...extra });

describe('mailcfg detect', () => {
  it.each([
    ['jankowalski@wp.pl', 'preset', 'smtp.wp.pl', 587, 'auto', 'jankowalski'],
    ['annanowak@op.pl', 'preset', 'smtp.poczta.onet.pl', 465, 'auto', 'annanowak@op.pl'],
    ['annanowa@gmail.com', 'preset', 'smtp.gmail.com', 465, 'auto', 'annanowa@gmail.com'],
    ['ktos@vp.pl', 'preset', 'smtp.poczta.onet.pl', 465, 'auto', 'ktos@vp.pl'],
    ['ktos@onet.eu', 'preset', 'smtp.poczta.onet.pl', 465, 'auto', 'ktos@onet.eu'],
    ['anna@o2.pl', 'catalogue', 'poczta.o2.pl', 465, 'ssl', 'anna'],
    ['jan@outlook.com', 'catalogue', 'smtp-mail.outlook.com', 587, 'starttls', 'jan@outlook.com'],
  ])('%s → from %s: %s:%i %s, login %s (offline, no network asked)', async (email, source, host, port, encryption, login) => {
    const d = await dns({});
    const r = await run(['detect', email, '--json'], { env: env({ MAILCFG_DNS_SERVER: d.server }) });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.proposal).toMatchObject({ source, host, port, encryption, login });
    expect(d.queries).toEqual([]);
  });

  it('the seed presets win over the catalogue: WP keeps 587 and lists 465/SSL as the alternative', async () => {
    const r = await run(['detect', 'jankowalski@wp.pl'], { env: env() });
    expect(r.stdout).toContain('from preset (wp)');
    expect(r.stdout).toMatch(/Alternatives\s+smtp\.wp\.pl:465\/SSL/);
  });

  it('autoconfig XML (Thunderbird format) from the domain', async () => {
    const ac = await autoconfig({
      'firma.test': `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="firma.test"><domain>firma.test</domain>
        <incomingServer type="imap"><hostname>imap.firma.test</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
        <outgoingServer type="smtp"><hostname>smtp.firma.test</hostname><port>587</port><socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></outgoingServer>
        <outgoingServer type="smtp"><hostname>smtp.firma.test</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILLOCALPART%</username></outgoingServer>
        </emailProvider></clientConfig>`,
    });
    const d = await dns({});
    const r = await run(['detect', 'jan.kowalski@firma.test', '--json'], { env: env({ MAILCFG_DNS_SERVER: d.server, MAILCFG_AUTOCONFIG_URLS: ac.urls, NODE_EXTRA_CA_CERTS: ac.caFile }) });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.proposal).toMatchObject({ source: 'autoconfig', host: 'smtp.firma.test', port: 587, encryption: 'starttls', login: 'jan.kowalski', alternatives: ['smtp.firma.test:465/SSL'] });
    expect(ac.hits[0]).toBe('/firma.test/mail/config-v1.1.xml?emailaddress=jan.kowalski%40firma.test');
  });

  it.each([
    ['gsuite.test', 'aspmx.l.google.com', 'smtp.gmail.com', 465, 'password'],
    ['m365.test', 'm365-test.mail.protection.outlook.com', 'smtp.office365.com', 587, 'oauth2'],
    ['klient.test', 'mx.poczta.onet.pl', 'smtp.poczta.onet.pl', 465, 'password'],
    ['hosting.test', 'mx2.o2.pl', 'poczta.o2.pl', 465, 'password'],
  ])('MX of %s (%s) → %s', async (domain, mx, host, port, auth) => {
    const d = await dns({ [domain]: { MX: [{ preference: 10, exchange: mx }] } });
    const r = await run(['detect', `biuro@${domain}`, '--json'], { env: env({ MAILCFG_DNS_SERVER: d.server }) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).proposal).toMatchObject({ source: 'mx', from: mx, host, port, auth });
  });

  it('SRV: _submissions._tcp (implicit TLS) preferred over _submission._tcp', async () => {
    const d = await dns({
      '_submissions._tcp.srv.test': { SRV: [{ priority: 0, weight: 1, port: 465, target: 'mail.srv.test' }] },
      '_submission._tcp.srv.test': { SRV: [{ priority: 0, weight: 1, port: 587, target: 'mail.srv.test' }] },
      '_submission._tcp.only587.test': { SRV: [{ priority: 0, weight: 1, port: 587, target: 'smtp.only587.test' }] },
    });
    const a = JSON.parse((await run(['detect', 'x@srv.test', '--json'], { env: env({ MAILCFG_DNS_SERVER: d.server }) })).stdout);
    expect(a.proposal).toMatchObject({ source: 'srv', host: 'mail.srv.test', port: 465, encryption: 'ssl' });
    const b = JSON.parse((await run(['detect', 'x@only587.test', '--json'], { env: env({ MAILCFG_DNS_SERVER: d.server }) })).stdout);
    expect(b.proposal).toMatchObject({ source: 'srv', host: 'smtp.only587.test', port: 587, encryption: 'starttls' });
  });

  it('a DNS server that never answers: detection still ends within its budget, with a clear message', async () => {
    const d = await dns({}, { silent: true });
    const started = Date.now();
    const r = await run(['detect', 'jan@cisza.test', '--budget', '1.5'], { env: env({ MAILCFG_DNS_SERVER: d.server }) });
    const took = Date.now() - started;
    expect(r.code).toBe(78);
    expect(took).toBeLessThan(6000); // 1.5 s budget + process start; a hang would hit the runner's 20 s limit
    expect(r.stdout).toContain('No settings found for jan@cisza.test.');
    expect(r.stdout).toMatch(/⏱ MX record: MX cisza\.test \(timeout\)/);
    expect(d.queries.length).toBeGreaterThan(0);
  });

  it('nothing found → 78 with a hint; --json has error ENOTDETECTED', async () => {
    const d = await dns({});
    const r = await run(['detect', 'jan@nieznana.test', '--json'], { env: env({ MAILCFG_DNS_SERVER: d.server }) });
    expect(r.code).toBe(78);
    const doc = JSON.parse(r.stdout);
    expect(doc.proposal).toBeNull();
    expect(doc.error.code).toBe('ENOTDETECTED');
    expect(doc.tried.map((t: { source: string }) => t.source)).toEqual(expect.arrayContaining(['catalogue', 'autoconfig', 'mx', 'srv']));
  });

  it('nothing is saved without --yes; with --yes the other fields must be complete, then it saves', async () => {
    const e = env();
    const r = await run(['detect', 'anna@o2.pl'], { env: e });
    expect(r.stderr).toContain('Nothing was saved');
    expect(JSON.parse((await run(['show', '--json'], { env: e })).stdout).exists).toBe(false);
    const missing = await run(['detect', 'anna@o2.pl', '--yes'], { env: e });
    expect(missing.code).toBe(78);
    expect(missing.stderr).toContain('missing: accountName, password');
    const ok = await run(['detect', 'anna@o2.pl', '--yes', '--account-name', 'Comarch DMS', '--password-stdin'], { env: e, input: 'tajne-haslo\n' });
    expect(ok.code).toBe(0);
    expect(JSON.parse((await run(['show', '--json'], { env: e })).stdout)).toMatchObject({ host: 'poczta.o2.pl', port: 465, encryption: 'ssl', login: 'anna', email: 'anna@o2.pl' });
  });

  it('invalid address → 65', async () => {
    expect((await run(['detect', 'not-an-address'], { env: env() })).code).toBe(65);
  });
});

describe.runIf(process.getuid?.() === 0)('mailcfg detect --probe (binds 127.0.0.2:465 and :587)', () => {
  it('reads greeting and EHLO of smtp.<domain> on 465 and 587', async () => {
    const { ca, server: cert } = await makeCertificates(['smtp.sonda.test']);
    const dir = tempConfig();
    writeFileSync(join(dir, 'ca.pem'), ca.cert);
    const servers = [465, 587].map((port) => {
      const s = new SMTPServer({ secure: port === 465, key: cert.key, cert: cert.cert, authOptional: true, logger: false, banner: `sonda ${port}` });
      s.on('error', () => {});
      return { s, port };
    });
    await Promise.all(servers.map(({ s, port }) => new Promise<void>((r) => s.listen(port, '127.0.0.2', () => r()))));
    open.push(...servers.map(({ s }) => ({ close: () => new Promise<void>((r) => s.close(() => r())) })));
    const d = await dns({ 'smtp.sonda.test': { A: ['127.0.0.2'] } });
    const r = await run(['detect', 'jan@sonda.test', '--probe', '--ca-file', join(dir, 'ca.pem'), '--json'], { env: env({ MAILCFG_DNS_SERVER: d.server }) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.proposal).toMatchObject({ source: 'probe', host: 'smtp.sonda.test', port: 465, encryption: 'ssl', login: 'jan@sonda.test' });
    expect(doc.candidates.map((c: { port: number }) => c.port).sort()).toEqual([465, 587]);
    expect(doc.proposal.from).toContain('sonda 465');
  });
});
