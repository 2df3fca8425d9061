import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { run, tempConfig } from '../helpers/cli.js';
import { serverPool, testCerts, type TestServerOptions } from '../helpers/smtp.js';
import { makeCertificates } from '../../src/io/certs.js';

const server = serverPool(afterEach);

/** The documented WP account, pointed at a local server, given entirely by MAILCFG_* (nothing saved). */
async function account(port: number, extra: Record<string, string> = {}) {
  const { caFile } = await testCerts();
  return {
    MAILCFG_CONFIG_DIR: tempConfig(),
    MAILCFG_ACCOUNT_NAME: 'Comarch DMS', MAILCFG_EMAIL: 'jankowalski@wp.pl', MAILCFG_DISPLAY_NAME: 'Comarch DMS – powiadomienia',
    MAILCFG_REPLY_TO: 'jankowalski@wp.pl', MAILCFG_HOST: '127.0.0.1', MAILCFG_PORT: String(port), MAILCFG_ENCRYPTION: 'auto',
    MAILCFG_LOGIN: 'user', MAILCFG_PASSWORD: 'secret', MAILCFG_TLS_CA_FILE: caFile, MAILCFG_TIMEOUT: '5',
    ...extra,
  };
}

function queueFiles(dir: string): string[] {
  const q = join(dir, 'queue', 'default');
  return existsSync(q) ? readdirSync(q).map((f) => join(q, f)) : [];
}

async function sendJson(env: Record<string, string>, args: string[] = []) {
  const r = await run(['test-send', '--to', 'annanowak@op.pl', '--json', ...args], { env });
  let doc: Record<string, any> = {};
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  return { ...r, doc };
}

describe('test-send through real sockets', () => {
  it('STARTTLS + AUTH: the message arrives with the right bytes, and the report says how', async () => {
    const s = await server();
    const env = await account(s.port);
    const r = await run(['test-send', '--to', 'annanowak@op.pl'], { env });
    expect(r.stderr).toMatch(/Queued as [a-z0-9]+-[0-9a-f]{6} \(to annanowak@op\.pl\)/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Accepted\s+annanowak@op\.pl/);
    expect(r.stdout).toMatch(/Server response\s+250 OK queued as test/);
    expect(r.stdout).toMatch(/Encryption\s+starttls, TLSv1\.3/);
    expect(s.received).toHaveLength(1);
    const raw = s.received[0]!.raw.toString();
    expect(raw).toMatch(/^From: =\?UTF-8\?Q\?Comarch_DMS_=E2=80=93_powiadomienia\?= <jankowalski@wp\.pl>$/m);
    expect(raw).toMatch(/^Reply-To: jankowalski@wp\.pl$/m);
    expect(raw).toMatch(/^Message-ID: <.+@wp\.pl>$/m);
    expect(raw).toMatch(/^Date: /m);
    const parsed = await simpleParser(s.received[0]!.raw);
    expect(parsed.from?.value[0]).toEqual({ name: 'Comarch DMS – powiadomienia', address: 'jankowalski@wp.pl' });
    expect(parsed.subject).toBe('mailcfg test message — Comarch DMS');
    expect(s.received[0]!.from).toBe('jankowalski@wp.pl');
    expect(s.authAttempts).toEqual([expect.objectContaining({ method: 'PLAIN', username: 'user' })]);
  });

  it('--json: one document with the SPEC keys; Polish defaults name the account', async () => {
    const s = await server();
    const { code, doc } = await sendJson({ ...(await account(s.port)), MAILCFG_LANG: 'pl' });
    expect(code).toBe(0);
    expect(Object.keys(doc).sort()).toEqual(['accepted', 'durationMs', 'encryption', 'error', 'id', 'messageId', 'rejected', 'response', 'status', 'tls'].sort());
    expect(doc).toMatchObject({ status: 'sent', accepted: ['annanowak@op.pl'], rejected: [], encryption: 'starttls', error: null, tls: { protocol: 'TLSv1.3' } });
    const parsed = await simpleParser(s.received[0]!.raw);
    expect(parsed.subject).toBe('Testowa wiadomość mailcfg — Comarch DMS');
    expect(parsed.text).toContain('Potwierdzeniem poprawności konfiguracji konta pocztowego');
  });

  it('implicit TLS (ssl) and AUTH LOGIN', async () => {
    const s = await server({ secure: true, authMethods: ['LOGIN'] });
    const { code, doc } = await sendJson(await account(s.port, { MAILCFG_ENCRYPTION: 'ssl' }));
    expect(code).toBe(0);
    expect(doc.encryption).toBe('ssl');
    expect(s.authAttempts[0]?.method).toBe('LOGIN');
  });

  it('auto on a non-465 port that speaks TLS from the first byte switches to ssl and says so', async () => {
    const s = await server({ secure: true });
    const r = await run(['test-send', '--to', 'annanowak@op.pl', '--timeout', '2'], { env: await account(s.port) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Port ${s.port} speaks ssl, not starttls`);
    expect(r.stderr).toContain('mailcfg set encryption ssl');
    expect(s.received).toHaveLength(1);
  });

  it('explicit ssl against a plain-text port → 76 with the STARTTLS hint', async () => {
    const s = await server();
    const { code, doc } = await sendJson(await account(s.port, { MAILCFG_ENCRYPTION: 'ssl' }));
    expect(code).toBe(76);
    expect(doc.error).toMatchObject({ code: 'ETLSMODE', smtpCode: null });
    expect(doc.error.hint).toContain('--encryption starttls');
    expect(doc.status).toBe('deferred');
  });

  it('explicit starttls against an implicit-TLS port → greeting timeout, 76, hint ssl', async () => {
    const s = await server({ secure: true });
    const { code, doc } = await sendJson(await account(s.port, { MAILCFG_ENCRYPTION: 'starttls', MAILCFG_TIMEOUT: '1' }));
    expect(code).toBe(76);
    expect(doc.error.code).toBe('EGREETING');
    expect(doc.error.hint).toContain('--encryption ssl');
  });

  it('never sends credentials when STARTTLS is missing: 76, and no AUTH reached the server', async () => {
    const s = await server({ starttls: false, insecureAuth: true });
    const r = await run(['test-send', '--to', 'annanowak@op.pl', '-v'], { env: await account(s.port) });
    expect(r.code).toBe(76);
    expect(r.stderr).toContain('does not offer STARTTLS, so the login and password would travel unencrypted');
    expect(s.authAttempts).toEqual([]);
    expect(s.commands.some((c) => /^AUTH/i.test(c))).toBe(false);
    expect(s.commands.some((c) => /^EHLO/i.test(c))).toBe(true);
    expect(s.received).toHaveLength(0);
  });

  it('encryption none is the explicit, warned exception', async () => {
    const s = await server({ starttls: false, insecureAuth: true });
    const r = await run(['test-send', '--to', 'annanowak@op.pl'], { env: await account(s.port, { MAILCFG_ENCRYPTION: 'none' }) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('WARNING: encryption is "none"');
    expect(s.received).toHaveLength(1);
  });

  it('a server that advertises no AUTH while a login is configured is an error, not a silent send', async () => {
    const s = await server({ auth: false });
    const { code, doc } = await sendJson(await account(s.port));
    expect(code).toBe(77);
    expect(doc.error.code).toBe('ENOAUTH');
    expect(doc.error.hint).toContain('--auth none');
    expect(s.received).toHaveLength(0);
    const relay = await sendJson(await account(s.port, { MAILCFG_AUTH: 'none' }));
    expect(relay.code).toBe(0);
  });

  it('untrusted certificate → 76 with --ca-file hint; the CA file makes it work', async () => {
    const s = await server();
    const env = await account(s.port);
    delete (env as Record<string, string | undefined>).MAILCFG_TLS_CA_FILE;
    const { code, doc } = await sendJson(env as Record<string, string>);
    expect(code).toBe(76);
    expect(doc.error.code).toBe('ECERTUNTRUSTED');
    expect(doc.error.hint).toContain('--ca-file');
    const insecure = await run(['test-send', '--to', 'a@b.pl', '--insecure-tls'], { env: env as Record<string, string> });
    expect(insecure.code).toBe(0);
    expect(insecure.stderr).toContain('certificate verification is OFF');
  });

  it('certificate for another name → 76 ECERTNAME', async () => {
    const { ca, server: cert } = await makeCertificates(['mail.other.test']);
    const dir = tempConfig();
    writeFileSync(join(dir, 'ca.pem'), ca.cert);
    const s = await server({ tls: cert });
    const { code, doc } = await sendJson(await account(s.port, { MAILCFG_TLS_CA_FILE: join(dir, 'ca.pem') }));
    expect(code).toBe(76);
    expect(doc.error.code).toBe('ECERTNAME');
  });

  it('connection refused → 69 with the usual-ports hint; the message stays queued (deferred)', async () => {
    const env = await account(1); // nothing listens on port 1
    const { code, doc } = await sendJson(env);
    expect(code).toBe(69);
    expect(doc.error.code).toBe('ECONNREFUSED');
    expect(doc.error.hint).toContain('25, 465 and 587');
    expect(doc.status).toBe('deferred');
    const list = JSON.parse((await run(['queue', 'list', '--json'], { env })).stdout);
    expect(list).toEqual([expect.objectContaining({ id: doc.id, status: 'deferred', attempts: 1, to: ['annanowak@op.pl'] })]);
    expect(list[0].nextAttemptAt).toBeTruthy();
  });

  it('connect timeout (a port whose accept queue is full drops the SYN) → 69 ECONNTIMEOUT with the firewall hint', async () => {
    // python3 listens with a backlog of 0 and fills it; the kernel then drops further SYNs, like a firewall.
    const py = spawn('python3', ['-c', [
      'import socket, time', "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)",
      'a = socket.create_connection(s.getsockname())', 'b = socket.socket(); b.setblocking(False)',
      'try: b.connect(s.getsockname())\nexcept BlockingIOError: pass', 'print(s.getsockname()[1], flush=True)', 'time.sleep(20)',
    ].join('\n')]);
    const port = await new Promise<number>((r) => py.stdout.on('data', (c) => r(Number(String(c).trim()))));
    try {
      const { code, doc } = await sendJson(await account(port, { MAILCFG_TIMEOUT: '2' }));
      expect(code).toBe(69);
      expect(doc.error.code).toBe('ECONNTIMEOUT');
      expect(doc.error.hint).toContain('firewall');
      // --timeout bounds the connection itself, not the connection plus the greeting window (2 + 2 s)
      expect(doc.durationMs).toBeGreaterThanOrEqual(2000);
      expect(doc.durationMs).toBeLessThan(3500);
    } finally {
      py.kill();
    }
  });

  it('host not found → 69 EDNS', async () => {
    const { code, doc } = await sendJson(await account(25, { MAILCFG_HOST: 'no-such-host.invalid' }));
    expect(code).toBe(69);
    expect(doc.error.code).toBe('EDNS');
  });

  const replies: Array<[string, TestServerOptions, number, string, string, string]> = [
    ['wrong password', {}, 77, 'EAUTH', 'refused the login or password', 'deferred'],
    ['Google 534 5.7.9', { authError: { code: 534, message: '5.7.9 Application-specific password required. https://support.google.com/mail/?p=InvalidSecondFactor' } }, 77, 'EAUTH', 'app password', 'deferred'],
    ['Google 535 5.7.8', { authError: { code: 535, message: '5.7.8 Username and Password not accepted. https://support.google.com/mail/?p=BadCredentials gsmtp' } }, 77, 'EAUTH', 'app password', 'deferred'],
    ['Microsoft 535 5.7.139', { authError: { code: 535, message: '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.' } }, 77, 'EAUTH', 'Authenticated SMTP', 'deferred'],
    ['Microsoft 535 5.7.3', { authError: { code: 535, message: '5.7.3 Authentication unsuccessful' } }, 77, 'EAUTH', 'full address', 'deferred'],
    ['Microsoft 550 5.7.30', { authError: { code: 550, message: '5.7.30 Basic authentication is not supported for Client Submission.' } }, 77, 'EAUTH', 'OAuth2', 'deferred'],
    ['530 must issue STARTTLS', { auth: false, mailError: { code: 530, message: '5.7.0 Must issue a STARTTLS command first' } }, 76, 'EMUSTTLS', 'starttls', 'deferred'],
    ['553 5.7.1 sender not owned', { mailError: { code: 553, message: '5.7.1 <jankowalski@wp.pl>: Sender address rejected: not owned by user user' } }, 67, 'ESENDER', 'mailbox of the login', 'failed'],
    ['550 5.7.60 send-as', { mailError: { code: 550, message: '5.7.60 SMTP; Client does not have permissions to send as this sender' } }, 67, 'ESENDER', 'mailbox of the login', 'failed'],
    ['relay denied', { rcptErrors: { 'annanowak@op.pl': { code: 554, message: '5.7.1 <annanowak@op.pl>: Relay access denied' } } }, 67, 'ERELAY', 'allow relaying', 'failed'],
    ['message too large', { dataError: { code: 552, message: '5.3.4 Message size exceeds fixed limit' } }, 67, 'ETOOBIG', 'without attachments', 'failed'],
    ['421 closing', { mailError: { code: 421, message: '4.7.0 Try again later, closing connection' } }, 75, 'ETEMPFAIL', 'queue flush', 'deferred'],
    ['450 mailbox busy', { rcptErrors: { 'annanowak@op.pl': { code: 450, message: '4.2.0 Mailbox busy' } } }, 75, 'ETEMPFAIL', 'queue flush', 'deferred'],
    ['451 local error', { rcptErrors: { 'annanowak@op.pl': { code: 451, message: '4.3.0 Temporary local problem' } } }, 75, 'ETEMPFAIL', 'queue flush', 'deferred'],
    ['452 storage', { rcptErrors: { 'annanowak@op.pl': { code: 452, message: '4.3.1 Insufficient system storage' } } }, 75, 'ETEMPFAIL', 'queue flush', 'deferred'],
  ];
  it.each(replies)('%s → the right exit code, stable code, hint and queue status', async (_name, opts, exit, code, hint, status) => {
    const s = await server(opts);
    const env = await account(s.port, opts.mailError?.code === 530 ? { MAILCFG_ENCRYPTION: 'none', MAILCFG_AUTH: 'none' } : {});
    if (_name === 'wrong password') env.MAILCFG_PASSWORD = 'wrong';
    const { code: c, doc } = await sendJson(env);
    expect(c).toBe(exit);
    expect(doc.error.code).toBe(code);
    expect(`${doc.error.message} ${doc.error.hint}`).toContain(hint);
    expect(doc.status).toBe(status);
    expect(s.received).toHaveLength(0);
  });

  it('a message too large for the advertised SIZE is refused before DATA (67)', async () => {
    const s = await server({ size: 200 });
    const { code, doc } = await sendJson(await account(s.port));
    expect(code).toBe(67);
    expect(doc.error.code).toBe('ETOOBIG');
  });

  it('one refused recipient among several: sent to the others, the refusal reported', async () => {
    const s = await server({ rcptErrors: { 'bad@op.pl': { code: 550, message: '5.1.1 <bad@op.pl>: Recipient address rejected: User unknown' } } });
    const { code, doc } = await sendJson(await account(s.port), ['--to', 'bad@op.pl']);
    expect(code).toBe(0);
    expect(doc.accepted).toEqual(['annanowak@op.pl']);
    expect(doc.rejected).toEqual(['bad@op.pl']);
    const human = await run(['test-send', '--to', 'annanowak@op.pl', '--to', 'bad@op.pl'], { env: await account(s.port) });
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('The server refused 1 of 2 recipients; the others were sent the message.');
    expect(human.stdout).toMatch(/^Rejected\s+bad@op\.pl \(550 5\.1\.1 <bad@op\.pl>: Recipient address rejected: User unknown\)$/m);
  });

  it('a connection dropped in the middle of DATA leaves the message deferred; queue flush delivers it', async () => {
    const s = await server({ dropInData: true });
    const env = await account(s.port);
    const { code, doc } = await sendJson(env);
    expect(code).toBe(75);
    expect(doc.status).toBe('deferred');
    expect(s.received).toHaveLength(0);
    const f = await run(['queue', 'flush'], { env });
    expect(f.code).toBe(0);
    expect(f.stdout).toContain('Sent: 1, deferred: 0, failed: 0.');
    expect(s.received).toHaveLength(1);
    expect(s.received[0]!.raw.toString()).toContain(doc.messageId);
  });

  it('a canary password never appears in output, transcript, or queue files', async () => {
    const canary = 'Canary-7f3a9Qz!';
    const s = await server({ password: canary });
    const env = await account(s.port, { MAILCFG_PASSWORD: canary });
    const r = await run(['test-send', '--to', 'annanowak@op.pl', '-v'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/C: AUTH PLAIN \*{8}/);
    expect(r.stderr).toMatch(/S: 235/);
    const b64 = Buffer.from(`\0user\0${canary}`).toString('base64');
    for (const text of [r.stdout, r.stderr, ...queueFiles(env.MAILCFG_CONFIG_DIR).map((f) => readFileSync(f, 'utf8'))]) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain(b64);
      expect(text).not.toContain(Buffer.from(canary).toString('base64'));
    }
    expect(existsSync(join(env.MAILCFG_CONFIG_DIR, 'profiles'))).toBe(false); // env-only account: nothing secret written
    const bad = await run(['test-send', '--to', 'annanowak@op.pl', '-v', '--json'], { env: { ...env, MAILCFG_PASSWORD: canary + 'x' } });
    expect(bad.code).toBe(77);
    expect(bad.stdout + bad.stderr).not.toContain(canary);
  });

  it('with AUTH LOGIN the transcript hides the base64 user and password', async () => {
    const canary = 'Canary-LOGIN-1234';
    const s = await server({ password: canary, authMethods: ['LOGIN'] });
    const r = await run(['test-send', '--to', 'annanowak@op.pl', '-v'], { env: await account(s.port, { MAILCFG_PASSWORD: canary }) });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain(Buffer.from(canary).toString('base64'));
    expect(r.stderr).toMatch(/C: AUTH LOGIN/);
  });

  it('enabled=false refuses with 78', async () => {
    const s = await server();
    const r = await run(['test-send', '--to', 'annanowak@op.pl'], { env: await account(s.port, { MAILCFG_ENABLED: 'nie' }) });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('Sending is disabled');
    expect(s.received).toHaveLength(0);
  });

  it('an attachment works, with the advice that a test needs none', async () => {
    const s = await server();
    const dir = tempConfig();
    writeFileSync(join(dir, 'raport.txt'), 'zawartość załącznika');
    const r = await run(['test-send', '--to', 'annanowak@op.pl', '--attach', join(dir, 'raport.txt'), '--subject', 'Z załącznikiem', '--body', 'Treść'], { env: await account(s.port) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('should be sent without them');
    const parsed = await simpleParser(s.received[0]!.raw);
    expect(parsed.attachments[0]?.filename).toBe('raport.txt');
    expect(parsed.attachments[0]?.content.toString()).toBe('zawartość załącznika');
    expect(parsed.text?.trim()).toBe('Treść');
    const missing = await run(['test-send', '--to', 'a@b.pl', '--attach', '/nonexistent/file'], { env: await account(s.port) });
    expect(missing.code).toBe(65);
    expect(missing.stderr).toContain('/nonexistent/file');
  });

  it('bad recipients and no recipient are refused before anything is queued', async () => {
    const env = await account(1);
    expect((await run(['test-send', '--to', 'not-an-address'], { env })).code).toBe(65);
    expect((await run(['test-send'], { env })).code).toBe(64);
    expect(queueFiles(env.MAILCFG_CONFIG_DIR)).toEqual([]);
  });

  it('an account without a password → 78 naming MAILCFG_PASSWORD, the way a run takes it; nothing queued', async () => {
    const env = { ...(await account(1)), MAILCFG_PASSWORD: undefined };
    const r = await run(['test-send', '--to', 'annanowak@op.pl'], { env });
    expect(r.code).toBe(78);
    expect(r.stderr).toBe('mailcfg: The configuration is incomplete; missing: password.\nHint: Give them as options or MAILCFG_* variables (MAILCFG_PASSWORD), or run "mailcfg init" in a terminal.\n');
    expect(queueFiles(env.MAILCFG_CONFIG_DIR)).toEqual([]);
  });
});

describe('verify', () => {
  it('reports greeting, capabilities, TLS, certificate and AUTH; sends nothing', async () => {
    const s = await server();
    const env = await account(s.port);
    const r = await run(['verify', '--json'], { env });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, encryption: 'starttls', auth: 'PLAIN', error: null, tls: { protocol: 'TLSv1.3' } });
    expect(doc.greeting).toMatch(/^220 /);
    expect(doc.capabilities).toEqual(expect.arrayContaining(['PIPELINING', '8BITMIME', 'SMTPUTF8']));
    expect(doc.certificate.subject).toContain('CN=localhost');
    expect(doc.certificate.issuer).toContain('mailcfg sandbox CA');
    expect(s.received).toHaveLength(0);
    const human = await run(['verify'], { env });
    expect(human.stdout).toMatch(/Greeting\s+220/);
    expect(human.stdout).toContain('nothing was sent');
  });

  it('warns when the certificate expires within 14 days', async () => {
    const { ca, server: cert } = await makeCertificates(['127.0.0.1'], { days: 5 });
    const dir = tempConfig();
    writeFileSync(join(dir, 'ca.pem'), ca.cert);
    const s = await server({ tls: cert });
    const r = await run(['verify'], { env: await account(s.port, { MAILCFG_TLS_CA_FILE: join(dir, 'ca.pem') }) });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/expires in [45] days/);
  });

  it('a failure is one JSON document with error {code, smtpCode, message, hint}', async () => {
    const s = await server();
    const r = await run(['verify', '--json'], { env: await account(s.port, { MAILCFG_PASSWORD: 'wrong' }) });
    expect(r.code).toBe(77);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error).toMatchObject({ code: 'EAUTH', smtpCode: 535 });
    expect(typeof doc.error.message).toBe('string');
    expect(typeof doc.error.hint).toBe('string');
  });
});
