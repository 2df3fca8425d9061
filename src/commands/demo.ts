import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { EXIT } from '../core/exit.js';
import { MailcfgError } from '../core/errors.js';
import type { Account } from '../core/account.js';
import { makeCertificates } from '../io/certs.js';
import { startSandbox, type CapturedMessage } from '../io/sandbox.js';
import { saveProfile } from '../io/store.js';
import { writeFileAtomic } from '../io/fsutil.js';
import { profilePaths } from '../io/paths.js';
import { Output } from '../io/output.js';
import type { Ctx } from './context.js';
import { SANDBOX_USER } from './sandbox.js';

/**
 * The whole flow with no account: a sandbox on a free port, a throwaway
 * profile in a temporary directory (the user's profiles untouched), the real
 * path (queue → nodemailer → STARTTLS → AUTH), and the message as received.
 */
export async function demo(ctx: Ctx): Promise<number> {
  const { out } = ctx;
  const dir = mkdtempSync(join(tmpdir(), 'mailcfg-demo-'));
  try {
    const certs = await makeCertificates();
    const caFile = join(dir, 'ca.pem');
    writeFileAtomic(caFile, certs.ca.cert);
    const password = randomBytes(9).toString('base64url');
    let received!: (m: CapturedMessage) => void;
    const arrived = new Promise<CapturedMessage>((r) => (received = r));
    const sb = await startSandbox({ port: 0, dir: join(dir, 'mail'), user: SANDBOX_USER, password, tls: certs.server, onMessage: (m) => received(m) });
    try {
      const paths = profilePaths(join(dir, 'config'), 'demo');
      const account: Account = {
        enabled: true, accountName: 'Comarch DMS', email: 'jankowalski@example.test', displayName: 'Comarch DMS – powiadomienia',
        replyTo: 'jankowalski@example.test', description: out.t('demo.description'), serverType: 'SMTP',
        host: '127.0.0.1', port: sb.port, encryption: 'starttls', auth: 'password', login: SANDBOX_USER, password,
        tls: { caFile },
      };
      await saveProfile(paths.profileFile, account);
      if (!out.json) out.info(out.t('demo.intro', { port: sb.port }));

      const captured: Buffer[] = [];
      const sink = new Writable({ write(c, _e, cb) { captured.push(Buffer.from(c)); cb(); } });
      const childOut = out.json ? new Output({ lang: out.lang, json: true, verbose: false, stdout: sink, stderr: out.stderr }) : out;
      const { testSend } = await import('./send.js');
      const code = await testSend(
        { ...ctx, out: childOut, paths, profile: 'demo', env: {}, interactive: false },
        { to: ['annanowak@example.test'], subject: out.t('demo.subject') },
      );
      if (code !== EXIT.OK) {
        if (out.json) out.stdout.write(Buffer.concat(captured));
        return code;
      }
      const m = await Promise.race([arrived, new Promise<null>((r) => setTimeout(() => r(null), 5000).unref())]);
      if (!m) throw new MailcfgError({ exit: EXIT.SOFTWARE, code: 'EINTERNAL', key: 'demo.notReceived' });
      const { simpleParser } = await import('mailparser');
      const parsed = await simpleParser(m.raw);
      const doc = {
        status: 'sent', sandboxPort: sb.port,
        received: {
          from: parsed.from?.text ?? '', to: m.to, replyTo: parsed.replyTo?.text ?? '', subject: parsed.subject ?? '',
          date: parsed.date?.toISOString() ?? '', messageId: parsed.messageId ?? '', text: (parsed.text ?? '').trim(), size: m.size,
        },
      };
      if (out.json) {
        out.printJson(doc);
        return EXIT.OK;
      }
      const r = doc.received;
      // the Date header as it travelled, not re-formatted
      const date = parsed.headerLines.find((h) => h.key === 'date')?.line.replace(/^date:\s*/i, '') ?? r.date;
      out.line('');
      out.line(out.c.bold(out.t('demo.received')));
      out.line(`From: ${r.from}\nTo: ${r.to.join(', ')}\nReply-To: ${r.replyTo}\nSubject: ${r.subject}\nDate: ${date}\nMessage-ID: ${r.messageId}\n`);
      out.line(r.text);
      out.line('');
      out.success(out.t('demo.done'));
      return EXIT.OK;
    } finally {
      await sb.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
