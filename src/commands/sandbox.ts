import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { invalidOption, MailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';
import { makeCertificates } from '../io/certs.js';
import { startSandbox } from '../io/sandbox.js';
import { writeFileAtomic } from '../io/fsutil.js';
import type { Ctx } from './context.js';

export const SANDBOX_USER = 'sandbox';

/** A long-running server reports as JSON lines: one compact document per event. */
function event(out: Ctx['out'], doc: Record<string, unknown>): void {
  out.stdout.write(JSON.stringify(doc) + '\n');
}

export async function sandbox(ctx: Ctx, opts: { port?: string; dir?: string }): Promise<number> {
  const { out } = ctx;
  const port = opts.port === undefined ? 2525 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalidOption('--port', 'invalid.sandboxPort', String(opts.port));
  }
  const dir = opts.dir ?? join(ctx.paths.configDir, 'sandbox');
  const mailDir = join(dir, 'mail');
  const caFile = join(dir, 'ca.pem');
  const password = randomBytes(9).toString('base64url');
  const certs = await makeCertificates();
  writeFileAtomic(caFile, certs.ca.cert, 0o644);
  let running;
  try {
    running = await startSandbox({
      port, dir: mailDir, user: SANDBOX_USER, password, tls: certs.server,
      onMessage: (m) => {
        const line = out.t('sandbox.received', { from: m.from, to: m.to.join(', '), subject: m.subject, size: m.size, file: m.file });
        if (out.json) event(out, { event: 'message', from: m.from, to: m.to, subject: m.subject, size: m.size, file: m.file });
        else out.line(line);
      },
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new MailcfgError({ exit: EXIT.UNAVAILABLE, code: 'ELISTEN', key: 'sandbox.listenFailed', params: { port, reason: code }, hintKey: 'sandbox.listenFailed.hint' });
  }
  const p = running.port;
  if (out.json) {
    event(out, { event: 'listening', host: '127.0.0.1', port: p, user: SANDBOX_USER, password, caFile, mailDir });
  } else {
    out.info(out.t('sandbox.listening', { port: p, dir: mailDir }));
    out.info(out.t('sandbox.credentials', { user: SANDBOX_USER, password }));
    out.info(out.t('sandbox.pointProfile'));
    out.info(`  printf '%s\\n' '${password}' | mailcfg --profile sandbox init --yes --account-name Sandbox \\\n` +
      `    --email you@example.test --host 127.0.0.1 --port ${p} --encryption starttls --login ${SANDBOX_USER} \\\n` +
      `    --ca-file ${caFile} --password-stdin\n  mailcfg --profile sandbox test-send --to someone@example.test`);
    out.info(out.t('sandbox.stop'));
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  if (!out.json) out.info(out.t('sandbox.stopped'));
  return EXIT.OK;
}
