import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { run, tempConfig } from '../helpers/cli.js';

/**
 * The built CLI against a real Postfix + Dovecot (scripts/mail-servers.sh).
 * In CI their absence is a failure; on a developer's machine these tests are skipped with a note.
 */
const dir = process.env.MAILCFG_E2E_DIR ?? '/var/tmp/mailcfg-e2e';
const readyFile = join(dir, 'ready.json');
const available = existsSync(readyFile);

interface Ready {
  host: string;
  ports: { starttls: number; smtps: number; cleartextAuth: number; relay: number };
  caFile: string;
  maildir: string;
  postfixLog: string;
}

if (!available && !process.env.CI) {
  console.warn(`\n[e2e] Postfix + Dovecot are not running (${readyFile} missing): skipping the end-to-end tests.\n[e2e] Start them with: sudo scripts/mail-servers.sh start\n`);
}

describe('mail servers for the end-to-end suite', () => {
  it.runIf(!!process.env.CI)('are running in CI', () => {
    expect(available, `${readyFile} is missing: .ci/run must start the servers with scripts/mail-servers.sh`).toBe(true);
  });
});

describe.runIf(available)('end to end: Postfix + Dovecot', () => {
  const ready = available ? (JSON.parse(readFileSync(readyFile, 'utf8')) as Ready) : ({} as Ready);

  async function maildirMessage(recipient: string, messageId: string): Promise<Buffer> {
    const folder = join(ready.maildir, recipient, 'Maildir', 'new');
    for (let i = 0; i < 100; i++) {
      if (existsSync(folder)) {
        for (const f of readdirSync(folder)) {
          const raw = readFileSync(join(folder, f));
          if (raw.includes(messageId)) return raw;
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`message ${messageId} not delivered to ${folder}`);
  }

  const common = ['--account-name', 'Comarch DMS', '--display-name', 'Comarch DMS – powiadomienia', '--description', 'Konto do wysyłania powiadomień Comarch DMS'];

  const accounts = [
    { who: 'Jan Kowalski (WP), auto on the STARTTLS port', preset: 'wp', email: 'jankowalski@wp.test', password: 'Konwalia369!', port: 'starttls' as const, extra: [], encryption: 'starttls', login: 'jankowalski' },
    { who: 'Anna Nowak (Onet), auto on the implicit-TLS port', preset: 'onet', email: 'annanowak@op.test', password: 'Pierwiosnek479%', port: 'smtps' as const, extra: ['--timeout', '2'], encryption: 'ssl', login: 'annanowak@op.test' },
    { who: 'Anna Nowa (Gmail app password), ssl', preset: 'gmail', email: 'annanowa@gmail.test', password: 'pvlianprlvvrnrrn', port: 'smtps' as const, extra: ['--encryption', 'ssl'], encryption: 'ssl', login: 'annanowa@gmail.test' },
  ];

  it.each(accounts)('$who: preset, test-send, found in the Maildir with the right headers', async (a) => {
    const cfg = tempConfig();
    const setup = await run(['--config-dir', cfg, 'preset', a.preset, ...common, '--email', a.email, '--reply-to', a.email,
      '--host', ready.host, '--port', String(ready.ports[a.port]), '--ca-file', ready.caFile, '--password-stdin'], { input: a.password + '\n' });
    expect(setup.code, setup.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(cfg, 'profiles', 'default.json'), 'utf8')).login).toBe(a.login);
    const subject = `Powiadomienie testowe: zażółć gęślą jaźń (${a.preset})`;
    const r = await run(['--config-dir', cfg, 'test-send', '--to', 'odbiorca@odbiorcy.test', '--subject', subject, '--json', ...a.extra]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ status: 'sent', accepted: ['odbiorca@odbiorcy.test'], encryption: a.encryption });
    expect(doc.response).toMatch(/^250 2\.0\.0 Ok: queued as /);
    const raw = await maildirMessage('odbiorca@odbiorcy.test', doc.messageId);
    const text = raw.toString();
    expect(text).toMatch(/^From: =\?UTF-8\?Q\?Comarch_DMS_=E2=80=93_powiadomienia\?= <.+>$/m);
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value[0]).toEqual({ name: 'Comarch DMS – powiadomienia', address: a.email });
    expect(parsed.replyTo?.value[0]?.address).toBe(a.email);
    expect(parsed.subject).toBe(subject);
    expect(parsed.messageId).toBe(doc.messageId);
    expect(text).toMatch(/by mx\.mailcfg\.test \(Postfix\) with ESMTPSA id/); // Postfix saw TLS (S) and AUTH (A)
  });

  it('the port that offers AUTH without TLS is refused (76) and the server log shows no AUTH attempt', async () => {
    const before = statSync(ready.postfixLog).size;
    const r = await run(['test-send', '--to', 'odbiorca@odbiorcy.test'], {
      env: {
        MAILCFG_CONFIG_DIR: tempConfig(), MAILCFG_ACCOUNT_NAME: 'Comarch DMS', MAILCFG_EMAIL: 'jankowalski@wp.test', MAILCFG_HOST: ready.host,
        MAILCFG_PORT: String(ready.ports.cleartextAuth), MAILCFG_LOGIN: 'jankowalski', MAILCFG_PASSWORD: 'Konwalia369!',
      },
    });
    expect(r.code).toBe(76);
    expect(r.stderr).toContain('does not offer STARTTLS');
    await new Promise((res) => setTimeout(res, 300));
    const log = readFileSync(ready.postfixLog, 'utf8').slice(before);
    const session = log.split('\n').filter((l) => l.includes('postfix/cleartext-auth/'));
    expect(session.some((l) => /< localhost\[127\.0\.0\.1\]: EHLO/i.test(l))).toBe(true);
    expect(session.some((l) => /< localhost\[127\.0\.0\.1\]: AUTH/i.test(l))).toBe(false);
    // Postfix's own summary of the session: EHLO and QUIT, no auth= counter.
    expect(session.some((l) => /disconnect from localhost\[127\.0\.0\.1\] ehlo=1 quit=1 commands=2/.test(l))).toBe(true);
    expect(log).not.toContain('Konwalia369!');
  });

  function jan(extra: Record<string, string> = {}) {
    return {
      MAILCFG_CONFIG_DIR: tempConfig(), MAILCFG_ACCOUNT_NAME: 'Comarch DMS', MAILCFG_EMAIL: 'jankowalski@wp.test', MAILCFG_HOST: ready.host,
      MAILCFG_PORT: String(ready.ports.starttls), MAILCFG_LOGIN: 'jankowalski', MAILCFG_PASSWORD: 'Konwalia369!', MAILCFG_TLS_CA_FILE: ready.caFile,
      ...extra,
    };
  }

  it('wrong password → 77', async () => {
    const r = await run(['test-send', '--to', 'odbiorca@odbiorcy.test', '--json'], { env: jan({ MAILCFG_PASSWORD: 'Konwalia368!' }) });
    expect(r.code).toBe(77);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'EAUTH', smtpCode: 535 });
  });

  it('550 for a recipient → 67, message failed', async () => {
    const r = await run(['test-send', '--to', 'reject550@odbiorcy.test', '--json'], { env: jan() });
    expect(r.code).toBe(67);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe('failed');
    expect(doc.error.smtpCode).toBe(550);
  });

  it('451 for a recipient → 75, message deferred in the queue', async () => {
    const env = jan();
    const r = await run(['test-send', '--to', 'tempfail@odbiorcy.test', '--json'], { env });
    expect(r.code).toBe(75);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe('deferred');
    const list = JSON.parse((await run(['queue', '--json'], { env })).stdout);
    expect(list).toEqual([expect.objectContaining({ id: doc.id, status: 'deferred', lastError: expect.objectContaining({ smtpCode: 451 }) })]);
  });

  it('verify reports what Postfix offers', async () => {
    const r = await run(['verify', '--json'], { env: jan() });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, encryption: 'starttls', auth: 'PLAIN' });
    expect(doc.greeting).toContain('ESMTP Postfix');
    expect(doc.capabilities).toEqual(expect.arrayContaining(['AUTH PLAIN LOGIN', 'SIZE 10240000', 'ENHANCEDSTATUSCODES']));
  });

  it('the unauthenticated relay for 127.0.0.1 delivers with auth=none', async () => {
    const r = await run(['test-send', '--to', 'odbiorca@odbiorcy.test', '--json'], {
      env: jan({ MAILCFG_PORT: String(ready.ports.relay), MAILCFG_AUTH: 'none', MAILCFG_ENCRYPTION: 'starttls' }),
    });
    expect(r.code, r.stdout).toBe(0);
    const doc = JSON.parse(r.stdout);
    await maildirMessage('odbiorca@odbiorcy.test', doc.messageId);
  });
});
