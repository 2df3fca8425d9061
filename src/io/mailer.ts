import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import type { TLSSocket, PeerCertificate } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Encryption, AuthMethod } from '../core/account.js';
import { diagnose, type Failure } from '../core/diagnose.js';
import { redactor } from '../core/redact.js';
import { fileError } from './fsutil.js';

export type Stage = 'connecting' | 'tls' | 'authenticating' | 'sending';

export interface MailerOptions {
  host: string;
  /** Name to verify the certificate against when `host` is an address resolved elsewhere. */
  servername?: string;
  port: number;
  encryption: Encryption;
  auth: AuthMethod;
  login?: string;
  password?: string;
  /** XOAUTH2 bearer token; `renew` after the server rejected the previous one. */
  oauthToken?: (renew: boolean) => Promise<string>;
  caFile?: string;
  insecure?: boolean;
  timeoutMs: number;
  email?: string;
  /** Every secret that must never be printed: redacted from the transcript. */
  secrets: string[];
  onTranscript?: (line: string) => void;
  onStage?: (stage: Stage) => void;
}

export interface TlsInfo {
  protocol: string | null;
  cipher: string | null;
}
export interface CertInfo {
  subject: string;
  issuer: string;
  validTo: string;
  daysLeft: number;
}
export interface SessionInfo {
  encryption: 'ssl' | 'starttls' | 'none';
  tls: TlsInfo | null;
  certificate: CertInfo | null;
  greeting: string;
  capabilities: string[];
  auth: string | null;
  /** Set when `auto` found the other TLS mode on this port. */
  switched: { from: 'ssl' | 'starttls'; to: 'ssl' | 'starttls' } | null;
}
export interface SendResult {
  accepted: string[];
  rejected: string[];
  rejectedErrors: string[];
  response: string;
}

type Conn = InstanceType<typeof SMTPConnection> & {
  _socket?: TLSSocket;
  _ehloLines?: string[];
  _authMethod?: string;
  allowsAuth: boolean;
  secure: boolean;
};

interface NodemailerError extends Error {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  timeoutType?: string;
}

const GENERIC_CODES = new Set(['ESOCKET', 'ETLS', 'EAUTH', 'EENVELOPE', 'EMESSAGE', 'ECONNECTION', 'EPROTOCOL', 'EDNS']);

/** TLS failures inside a STARTTLS upgrade lose their code in nodemailer's wrapper; recover it from the text. */
const TLS_TEXT: Array<[RegExp, string]> = [
  [/self[- ]signed certificate in certificate chain/i, 'SELF_SIGNED_CERT_IN_CHAIN'],
  [/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [/unable to verify the first certificate/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [/unable to get local issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  [/does not match certificate's altnames/i, 'ERR_TLS_CERT_ALTNAME_INVALID'],
  [/certificate has expired/i, 'CERT_HAS_EXPIRED'],
  [/wrong version number/i, 'ERR_SSL_WRONG_VERSION_NUMBER'],
  [/packet length too long/i, 'ERR_SSL_PACKET_LENGTH_TOO_LONG'],
];

function failureOf(e: NodemailerError, stage: Failure['stage'], o: MailerOptions): Failure {
  let sysCode = e.originalCode ?? (e.code && !GENERIC_CODES.has(e.code) ? e.code : undefined);
  if (!sysCode || sysCode === 'ETLS') sysCode = TLS_TEXT.find(([re]) => re.test(e.message))?.[1] ?? sysCode;
  return {
    sysCode,
    code: e.code,
    timeoutType: e.timeoutType,
    responseCode: e.responseCode,
    response: e.response,
    message: e.message,
    stage,
    host: o.host,
    port: o.port,
    email: o.email,
  };
}

function certInfo(cert: PeerCertificate | undefined): CertInfo | null {
  if (!cert || !cert.valid_to) return null;
  const name = (x: Record<string, string | string[]> | undefined) =>
    x ? Object.entries(x).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(', ') : '';
  const validTo = new Date(cert.valid_to);
  return {
    subject: name(cert.subject as unknown as Record<string, string>),
    issuer: name(cert.issuer as unknown as Record<string, string>),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - Date.now()) / 86_400_000),
  };
}

/**
 * One SMTP session on nodemailer's SMTPConnection, with mailcfg's rules:
 * `auto` detects the other TLS mode, credentials never go over plain text,
 * and a server without AUTH is an error when a login is configured.
 */
export class Session {
  private constructor(
    private conn: Conn,
    readonly info: SessionInfo,
    private o: MailerOptions,
  ) {}

  static async open(o: MailerOptions): Promise<Session> {
    const ca = o.caFile ? readCa(o.caFile) : undefined;
    const redact = redactor(o.secrets);
    let greeting = '';
    let lastServer = '';
    const transcript = (dir: 'C' | 'S', line: string) => {
      if (dir === 'S') {
        if (!greeting && /^220/.test(line)) greeting = line;
        lastServer = line;
      } else if (/^AUTH\s/i.test(line)) {
        line = line.replace(/^(AUTH\s+\S+)(\s.*)?$/i, (_m, cmd: string, rest?: string) => cmd + (rest ? ' ********' : ''));
      } else if (/^334/.test(lastServer)) {
        line = '********';
      }
      if (o.onTranscript) for (const l of redact(line).split(/\r?\n/)) o.onTranscript(`${dir}: ${l}`);
    };
    const firstMode: 'ssl' | 'plain' = o.encryption === 'ssl' || (o.encryption === 'auto' && o.port === 465) ? 'ssl' : 'plain';
    let mode = firstMode;
    let switched: SessionInfo['switched'] = null;
    let conn: Conn;
    for (let attempt = 0; ; attempt++) {
      greeting = '';
      o.onStage?.('connecting');
      // In auto mode a plain attempt waits a short while for the greeting: silence means implicit TLS.
      const probing = o.encryption === 'auto' && attempt === 0;
      const greetingTimeout = probing && mode === 'plain' ? Math.min(o.timeoutMs, 8000) : o.timeoutMs;
      conn = new SMTPConnection({
        host: o.host,
        port: o.port,
        servername: o.servername,
        secure: mode === 'ssl',
        ignoreTLS: o.encryption === 'none',
        tls: { ca, rejectUnauthorized: !o.insecure, minVersion: 'TLSv1.2', servername: o.servername },
        greetingTimeout,
        // nodemailer bounds the whole setup (TCP, TLS, greeting) by connectionTimeout: leave room for the greeting,
        // so a silent server is reported as such and not as an unreachable one.
        connectionTimeout: o.timeoutMs + greetingTimeout,
        socketTimeout: o.timeoutMs + 1000, // the phase timers above fire first and say which phase stalled
        logger: transcriptLogger(transcript),
        debug: true,
      } as ConstructorParameters<typeof SMTPConnection>[0]) as Conn;
      try {
        await connect(conn, () => o.onStage?.('tls'), o.timeoutMs);
        break;
      } catch (e) {
        const f = failureOf(e as NodemailerError, 'connect', o);
        const diag = diagnose(f);
        if (probing && mode === 'ssl' && diag.code === 'ETLSMODE') {
          mode = 'plain';
          switched = { from: 'ssl', to: 'starttls' };
          continue;
        }
        if (probing && mode === 'plain' && diag.code === 'EGREETING') {
          mode = 'ssl';
          switched = { from: 'starttls', to: 'ssl' };
          continue;
        }
        throw diag;
      }
    }
    const socket = conn._socket;
    const secure = conn.secure;
    const encryption: SessionInfo['encryption'] = !secure ? 'none' : mode === 'ssl' ? 'ssl' : 'starttls';
    const info: SessionInfo = {
      encryption,
      tls: secure && socket?.getProtocol ? { protocol: socket.getProtocol(), cipher: socket.getCipher()?.name ?? null } : null,
      certificate: secure && socket?.getPeerCertificate ? certInfo(socket.getPeerCertificate()) : null,
      greeting,
      capabilities: [...(conn._ehloLines ?? [])],
      auth: null,
      switched,
    };
    const session = new Session(conn, info, o);
    // The rule the product this replaces broke: credentials never cross a plain connection.
    const wantsLogin = o.auth !== 'none';
    if (!secure && (o.encryption === 'starttls' || (o.encryption === 'auto' && wantsLogin))) {
      session.close();
      throw diagnose({ code: 'ENOSTARTTLS', message: 'no STARTTLS', stage: 'tls', host: o.host, port: o.port });
    }
    if (wantsLogin) await session.login();
    return session;
  }

  private async login(): Promise<void> {
    const { conn, o } = this;
    if (!conn.allowsAuth) {
      this.close();
      throw diagnose({ code: 'ENOAUTH', message: 'no AUTH', stage: 'auth', host: o.host, port: o.port });
    }
    this.o.onStage?.('authenticating');
    // A token endpoint failure has its own diagnosis; nodemailer would re-label it EAUTH.
    let tokenError: unknown;
    const token = async (renew: boolean) => {
      try {
        return await o.oauthToken!(renew);
      } catch (e) {
        tokenError = e;
        throw new Error('token');
      }
    };
    const credentials =
      o.auth === 'oauth2'
        ? { user: o.login ?? o.email ?? '', method: 'XOAUTH2', oauth2: xoauth2(o.login ?? o.email ?? '', token) }
        : { user: o.login ?? '', pass: o.password ?? '' };
    await new Promise<void>((resolve, reject) => {
      conn.login(credentials as Parameters<Conn['login']>[0], (err) => (err ? reject(err) : resolve()));
    }).catch((e: NodemailerError) => {
      this.close();
      if (tokenError) throw tokenError;
      throw diagnose(failureOf(e, 'auth', o));
    });
    this.info.auth = conn._authMethod ?? null;
  }

  /** Send the queued bytes as they are; the envelope comes from the queue metadata. */
  async send(envelope: { from: string; to: string[] }, raw: Buffer): Promise<SendResult> {
    this.o.onStage?.('sending');
    return new Promise<SendResult>((resolve, reject) => {
      // SIZE= lets the server refuse an oversized message before any byte of it is sent.
      this.conn.send({ ...envelope, size: raw.length } as typeof envelope, raw, (err, info) => {
        if (err) return reject(diagnose(failureOf(err as NodemailerError, 'send', this.o)));
        const i = info as unknown as { accepted: string[]; rejected: string[]; rejectedErrors?: Error[]; response: string };
        resolve({
          accepted: i.accepted ?? [],
          rejected: i.rejected ?? [],
          rejectedErrors: (i.rejectedErrors ?? []).map((x) => (x as NodemailerError).response ?? x.message),
          response: i.response ?? '',
        });
      });
    });
  }

  /** RSET between messages keeps one connection usable for a whole flush. */
  async reset(): Promise<void> {
    await new Promise<void>((resolve) => this.conn.reset(() => resolve()));
  }

  get usable(): boolean {
    const c = this.conn as unknown as { _destroyed?: boolean; destroyed?: boolean };
    return !c._destroyed && !c.destroyed;
  }

  close(): void {
    try {
      this.conn.quit();
    } catch {
      /* already closed */
    }
    setTimeout(() => this.conn.close(), 200).unref();
  }
}

/**
 * Opens the session. `connectTimeoutMs` bounds the name lookup and the TCP connection alone, so that an unreachable
 * server is reported after --timeout, not after nodemailer's budget for the whole setup (TCP, TLS, greeting).
 */
function connect(conn: Conn, onTls: () => void, connectTimeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => {
      done(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT' }));
      conn.close();
    }, connectTimeoutMs);
    const internals = conn as unknown as { _connectToHost?: (...a: unknown[]) => unknown; _socket?: { once(e: string, f: () => void): void } };
    const toHost = internals._connectToHost;
    if (typeof toHost === 'function') {
      internals._connectToHost = (...a: unknown[]) => {
        const r = toHost.apply(conn, a);
        internals._socket?.once('connect', () => clearTimeout(timer));
        return r;
      };
    }
    conn.once('error', (err) => done(err));
    conn.once('end', () => done(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' })));
    // nodemailer emits no event when STARTTLS begins: wrap the step that upgrades the socket.
    const c = conn as unknown as { _upgradeConnection?: (cb: unknown) => unknown };
    const upgrade = c._upgradeConnection;
    if (typeof upgrade === 'function') {
      c._upgradeConnection = (cb: unknown) => {
        onTls();
        return upgrade.call(conn, cb);
      };
    }
    conn.connect(() => {
      conn.removeAllListeners('error');
      conn.removeAllListeners('end');
      conn.on('error', () => { /* reported through the pending command's callback */ });
      done();
    });
  });
}

/** The object nodemailer's XOAUTH2 step calls: it asks again with renew=true once after a rejected token. */
function xoauth2(user: string, token: (renew: boolean) => Promise<string>) {
  return {
    user,
    getToken: (renew: boolean, cb: (err: Error | null, token?: string) => void) => {
      token(renew).then((t) => cb(null, t), (e: Error) => cb(e));
    },
    buildXOAuth2Token: (accessToken: string) =>
      Buffer.from(['user=' + user, 'auth=Bearer ' + accessToken, '', ''].join('\x01'), 'utf-8').toString('base64'),
  };
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw fileError(file, e);
  }
}

function transcriptLogger(write: (dir: 'C' | 'S', line: string) => void) {
  const log = (entry: { tnx?: string }, message: string, ...args: unknown[]) => {
    if (entry?.tnx === 'server') write('S', format(message, ...args));
    else if (entry?.tnx === 'client') write('C', format(message, ...args));
  };
  return { trace: log, debug: log, info: () => {}, warn: () => {}, error: () => {}, fatal: () => {} };
}
