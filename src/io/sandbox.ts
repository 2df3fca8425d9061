import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { Pem } from './certs.js';

export interface CapturedMessage {
  file: string;
  from: string;
  to: string[];
  subject: string;
  size: number;
  raw: Buffer;
}

export interface SandboxOptions {
  port: number;
  host?: string;
  dir: string;
  user: string;
  password: string;
  tls: Pem;
  onMessage?: (m: CapturedMessage) => void;
}

export interface RunningSandbox {
  port: number;
  close(): Promise<void>;
}

/** The decoded Subject (encoded words and folding undone), as a person reads it. */
async function subjectOf(raw: Buffer): Promise<string> {
  const { simpleParser } = await import('mailparser');
  return (await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true })).subject ?? '';
}

/**
 * A local SMTP server that captures mail: STARTTLS with the given certificate,
 * AUTH PLAIN/LOGIN only after TLS, every message saved as an .eml file.
 */
export async function startSandbox(o: SandboxOptions): Promise<RunningSandbox> {
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  let seq = 0;
  const server = new SMTPServer({
    name: 'mailcfg-sandbox',
    banner: 'mailcfg sandbox ready',
    key: o.tls.key,
    cert: o.tls.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    size: 25 * 1024 * 1024,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === o.user && auth.password === o.password) return cb(null, { user: auth.username });
      return cb(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const file = join(o.dir, `${stamp}-${++seq}.eml`);
        try {
          writeFileSync(file, raw, { mode: 0o600 });
        } catch (e) {
          return cb(Object.assign(new Error('Local error writing the message'), { responseCode: 451 }) as Error);
        }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        o.onMessage?.({ file, from, to, subject: await subjectOf(raw).catch(() => ''), size: raw.length, raw });
        cb(null, `Message saved as ${file.split('/').pop()}`);
      });
    },
  });
  server.on('error', () => { /* per-connection errors are the client's business */ });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', () => resolve());
  });
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
