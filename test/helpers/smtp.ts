import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { makeCertificates, type Pem } from '../../src/io/certs.js';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface TestServer {
  port: number;
  received: Received[];
  /** Every command line the server saw (AUTH payload lines included), for "no AUTH reached it" checks. */
  commands: string[];
  authAttempts: Array<{ method: string; username: string; password?: string; accessToken?: string }>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  secure?: boolean;
  starttls?: boolean;
  auth?: boolean;
  /** AUTH advertised and accepted before STARTTLS (the dangerous server). */
  insecureAuth?: boolean;
  user?: string;
  password?: string;
  authError?: { code: number; message: string };
  mailError?: { code: number; message: string };
  rcptErrors?: Record<string, { code: number; message: string }>;
  dataError?: { code: number; message: string };
  /** Drop the connection after this many bytes of DATA (once). */
  dropInData?: boolean;
  onXOAuth2?: (username: string, token: string) => boolean;
  tls?: Pem;
  size?: number;
  authMethods?: string[];
  /** Delay before answering DATA, in ms (a slow server). */
  dataDelayMs?: number;
  /** Delay before answering AUTH, in ms. */
  authDelayMs?: number;
}

let certsPromise: Promise<{ ca: Pem; server: Pem; caFile: string; dir: string }> | undefined;

/** One CA and server certificate (localhost, 127.0.0.1) per test file, written to a temp dir. */
export function testCerts() {
  certsPromise ??= (async () => {
    const c = await makeCertificates(['localhost', '127.0.0.1']);
    const dir = mkdtempSync(join(tmpdir(), 'mailcfg-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, c.ca.cert);
    return { ...c, caFile, dir };
  })();
  return certsPromise;
}

/** Records every client command line smtp-server logs (credentials redacted by it, command names kept). */
function commandLogger(commands: string[]) {
  const noop = () => {};
  return {
    debug: (entry: { tnx?: string; command?: string }, ...args: unknown[]) => {
      if (entry?.tnx === 'command') commands.push(String(args[1] ?? entry.command ?? ''));
    },
    info: noop, warn: noop, error: noop, trace: noop, fatal: noop, child: () => commandLogger(commands),
  };
}

const err = (e: { code: number; message: string }) => Object.assign(new Error(e.message), { responseCode: e.code });

export async function startServer(o: TestServerOptions = {}): Promise<TestServer> {
  const { server: tls } = await testCerts();
  const received: Received[] = [];
  const commands: string[] = [];
  const authAttempts: TestServer['authAttempts'] = [];
  let dropped = false;
  const disabled: string[] = [];
  if (o.starttls === false || o.secure) disabled.push('STARTTLS');
  if (o.auth === false) disabled.push('AUTH');
  const opts: SMTPServerOptions = {
    secure: !!o.secure,
    key: (o.tls ?? tls).key,
    cert: (o.tls ?? tls).cert,
    disabledCommands: disabled,
    authMethods: o.authMethods ?? ['PLAIN', 'LOGIN', 'XOAUTH2'],
    allowInsecureAuth: !!o.insecureAuth,
    hideSTARTTLS: o.starttls === false,
    size: o.size,
    logger: commandLogger(commands) as SMTPServerOptions['logger'],
    async onAuth(auth, _session, cb) {
      if (o.authDelayMs) await new Promise((r) => setTimeout(r, o.authDelayMs));
      authAttempts.push({ method: auth.method, username: auth.username ?? '', password: auth.password ?? undefined, accessToken: auth.accessToken ?? undefined });
      if (o.authError) return cb(err(o.authError));
      if (auth.method === 'XOAUTH2') {
        const ok = o.onXOAuth2 ? o.onXOAuth2(auth.username ?? '', auth.accessToken ?? '') : false;
        return ok ? cb(null, { user: auth.username }) : cb(null, { data: { status: '401', schemes: 'bearer', scope: 'https://outlook.office.com/SMTP.Send' } });
      }
      if (auth.username === (o.user ?? 'user') && auth.password === (o.password ?? 'secret')) return cb(null, { user: auth.username });
      return cb(err({ code: 535, message: '5.7.8 Authentication credentials invalid' }));
    },
    onMailFrom(_addr, _s, cb) {
      return o.mailError ? cb(err(o.mailError)) : cb();
    },
    onRcptTo(addr, _s, cb) {
      const e = o.rcptErrors?.[addr.address];
      return e ? cb(err(e)) : cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        if (o.dropInData && !dropped) {
          dropped = true;
          const conn = [...(server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections].find((c) => c.id === session.id);
          conn?._socket.destroy();
        }
      });
      stream.on('end', async () => {
        if (o.dataDelayMs) await new Promise((r) => setTimeout(r, o.dataDelayMs));
        if (o.dataError) return cb(err(o.dataError));
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
        cb(null, 'OK queued as test');
      });
    },
  };
  const server = new SMTPServer(opts);
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
  return {
    port, received, commands, authAttempts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Servers started by a test file, closed after each test. Call once at the top of the file. */
export function serverPool(afterEach: (fn: () => Promise<void>) => void) {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (o: TestServerOptions = {}) => {
    const s = await startServer(o);
    servers.push(s);
    return s;
  };
}
