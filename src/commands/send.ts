import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Account } from '../core/account.js';
import { MailcfgError, invalidOption, isMailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';
import { isTemporary } from '../core/diagnose.js';
import { markDeferred, markFailed, markSent, type QueueEntry, type QueueError } from '../core/queue-state.js';
import { formatLines, localTime } from '../core/render.js';
import { Session, type SessionInfo } from '../io/mailer.js';
import { Queue } from '../io/queue.js';
import { fileError } from '../io/fsutil.js';
import { progress } from '../io/progress.js';
import type { Output } from '../io/output.js';
import type { Ctx } from './context.js';
import { checkRecipients, mailerOptions, runAccount } from './run-account.js';

function asError(e: unknown): MailcfgError {
  if (isMailcfgError(e)) return e;
  return new MailcfgError({ exit: EXIT.SOFTWARE, code: 'EINTERNAL', key: 'err.internal', params: { reason: (e as Error)?.message ?? String(e) } });
}

export function sessionLines(out: Output, a: Account, info: SessionInfo): Array<[string, string]> {
  const lines: Array<[string, string]> = [[out.t('report.server'), `${a.host}:${a.port}`]];
  if (info.greeting) lines.push([out.t('report.greeting'), info.greeting]);
  const tls = info.tls ? ` (${info.tls.protocol}, ${info.tls.cipher})` : '';
  lines.push([out.t('report.encryption'), `${info.encryption}${tls}`]);
  if (info.certificate) {
    const c = info.certificate;
    lines.push([out.t('report.certificate'), out.t('report.certificateValue', { subject: c.subject, issuer: c.issuer, validTo: c.validTo.slice(0, 10), days: c.daysLeft })]);
  }
  if (info.capabilities.length) lines.push([out.t('report.capabilities'), info.capabilities.join(', ')]);
  lines.push([out.t('report.auth'), info.auth ?? out.t('report.authNone')]);
  return lines;
}

function sessionNotes(out: Output, a: Account, info: SessionInfo): void {
  if (info.switched) {
    out.warn(out.t('report.switched', { port: a.port!, from: info.switched.from, to: info.switched.to }));
  }
  if (info.certificate && info.certificate.daysLeft < 14) out.warn(out.t('report.certExpiring', { days: info.certificate.daysLeft }));
}

export async function verify(ctx: Ctx, flags: Record<string, unknown>): Promise<number> {
  const { out } = ctx;
  const a = runAccount(ctx, flags, { requireEnabled: false });
  const spin = await progress(out, a.host!, a.port!);
  let info: SessionInfo | null = null;
  let error: MailcfgError | null = null;
  try {
    const session = await Session.open(await mailerOptions(ctx, a, { onStage: spin.stage }));
    info = session.info;
    session.close();
  } catch (e) {
    error = asError(e);
  } finally {
    spin.stop();
  }
  if (out.json) {
    out.printJson({
      ok: !error, profile: ctx.profile, host: a.host, port: a.port,
      encryption: info?.encryption ?? null, tls: info?.tls ?? null, certificate: info?.certificate ?? null,
      auth: info?.auth ?? null, capabilities: info?.capabilities ?? [], greeting: info?.greeting ?? null,
      switched: info?.switched ?? null, error: out.errorJson(error),
    });
    return error ? error.exit : EXIT.OK;
  }
  if (error) {
    out.error(error);
    return error.exit;
  }
  out.line(formatLines(sessionLines(out, a, info!)));
  sessionNotes(out, a, info!);
  out.success(out.t('report.verifyOk'));
  return EXIT.OK;
}

export interface TestSendOptions {
  to?: string[];
  subject?: string;
  body?: string;
  bodyFile?: string;
  attach?: string[];
  [flag: string]: unknown;
}

function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw fileError(path, e);
  }
}

/** RFC 5322 bytes of the test message: From = displayName <email>, Reply-To, Message-ID, Date. */
export async function composeMessage(a: Account, m: { to: string[]; subject: string; text: string; attachments: string[] }): Promise<{ raw: Buffer; messageId: string }> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composer = new MailComposer({
    from: a.displayName ? { name: a.displayName, address: a.email! } : a.email!,
    replyTo: a.replyTo,
    to: m.to,
    subject: m.subject,
    text: m.text,
    date: new Date(),
    headers: { 'X-Mailer': 'mailcfg' },
    attachments: m.attachments.map((p) => ({ filename: basename(p), content: readInput(p) })),
  });
  const node = composer.compile();
  const raw = await node.build();
  return { raw, messageId: node.messageId() };
}

export function errorRecord(out: Output, e: MailcfgError): QueueError {
  const record: QueueError = { code: e.code, smtpCode: e.smtpCode, message: out.errorSentence(e) };
  if (e.issues.length === 0) Object.assign(record, { key: e.key, params: e.params });
  return record;
}

export interface Delivery {
  entry: QueueEntry;
  error: MailcfgError | null;
}

/** Send one claimed message on an open session and record the outcome in the queue. */
export async function deliver(queue: Queue, session: Session, entry: QueueEntry, out: Output): Promise<Delivery> {
  const raw = queue.readMessage(entry.id);
  try {
    const r = await session.send({ from: entry.from, to: entry.to }, raw);
    const done = markSent(entry, new Date(), r);
    queue.release(done);
    return { entry: done, error: null };
  } catch (e) {
    return recordFailure(queue, entry, e, out);
  }
}

/** A failed attempt: deferred for a retry if temporary, failed if the server refused the message for good. */
function recordFailure(queue: Queue, entry: QueueEntry, e: unknown, out: Output): Delivery {
  const err = asError(e);
  const rec = errorRecord(out, err);
  const next = isTemporary(err) ? markDeferred(entry, new Date(), rec) : markFailed(entry, new Date(), rec);
  queue.release(next);
  return { entry: next, error: err };
}

export async function testSend(ctx: Ctx, opts: TestSendOptions): Promise<number> {
  const { out } = ctx;
  const a = runAccount(ctx, opts, { requireEnabled: true });
  const to = checkRecipients(opts.to);
  const attachments = opts.attach ?? [];
  if (attachments.length > 0) out.warn(out.t('send.attachAdvice'));
  const account = a.accountName ?? a.email!;
  const subject = opts.subject ?? out.t('send.defaultSubject', { account });
  const text = opts.bodyFile !== undefined ? readInput(opts.bodyFile).toString('utf8')
    : opts.body ?? out.t('send.defaultBody', { account, email: a.email!, host: a.host!, port: a.port! });
  if (/[\r\n\0]/.test(subject)) throw invalidOption('--subject', 'invalid.control', subject);
  const { raw, messageId } = await composeMessage(a, { to, subject, text, attachments });

  const queue = new Queue(ctx.paths.queueDir);
  const now = new Date();
  const entry: QueueEntry = {
    id: queue.newId(now), status: 'queued', from: a.email!, to, subject, messageId, size: raw.length,
    attempts: 0, lastError: null, nextAttemptAt: null, createdAt: now.toISOString(), updatedAt: now.toISOString(),
  };
  queue.enqueue(entry, raw);
  if (!out.json) out.info(out.t('send.queued', { id: entry.id, to: to.join(', ') }));

  // before the claim: from the claim on, nothing awaits until Ctrl-C would give the message back
  const spin = await progress(out, a.host!, a.port!);
  const started = Date.now();
  const claimed = queue.claim(entry.id);
  if (!claimed) {
    spin.stop();
    // Another process (a concurrent flush) took it: it is being sent, exactly once.
    if (out.json) out.printJson({ status: 'queued', id: entry.id, messageId, accepted: [], rejected: [], response: null, encryption: null, tls: null, durationMs: 0, error: null });
    else out.line(out.t('send.takenByOther', { id: entry.id }));
    return EXIT.OK;
  }
  let session: Session | undefined;
  const interrupted = () => {
    spin.stop();
    if (queue.unclaimIfHeld(claimed.id)) out.info(out.t('send.interrupted', { id: claimed.id }));
  };
  const result = await ctx.interruptible(interrupted, async (): Promise<Delivery> => {
    try {
      session = await Session.open(await mailerOptions(ctx, a, { onStage: spin.stage }));
      return await deliver(queue, session, claimed, out);
    } catch (e) {
      return recordFailure(queue, claimed, e, out);
    } finally {
      spin.stop();
      session?.close();
    }
  });
  queue.pruneSent();
  const durationMs = Date.now() - started;
  const e = result.entry;
  if (out.json) {
    out.printJson({
      status: e.status, id: e.id, messageId, accepted: e.accepted ?? [], rejected: e.rejected ?? [], response: e.response ?? null,
      encryption: session?.info.encryption ?? null, tls: session?.info.tls ?? null, durationMs, error: out.errorJson(result.error),
    });
    return result.error ? result.error.exit : EXIT.OK;
  }
  if (result.error) {
    out.error(result.error);
    out.info(out.t(e.status === 'deferred' ? 'send.keptDeferred' : 'send.markedFailed', { id: e.id, at: e.nextAttemptAt ? localTime(e.nextAttemptAt) : '' }));
    return result.error.exit;
  }
  const info = session!.info;
  if (info.switched) sessionNotes(out, a, info);
  const tls = info.tls ? `${info.encryption}, ${info.tls.protocol}` : info.encryption;
  const rejected = (e.rejected ?? []).map((r, i) => (e.rejectedReplies?.[i] ? `${r} (${e.rejectedReplies[i]!.replace(/\s+/g, ' ').trim()})` : r));
  if (rejected.length) out.warn(out.t('send.partlyRejected', { n: rejected.length, total: e.to.length }));
  out.line(formatLines([
    [out.t('report.accepted'), (e.accepted ?? []).join(', ') || '-'],
    ...(rejected.length ? [[out.t('report.rejected'), rejected.join(', ')] as [string, string]] : []),
    [out.t('report.response'), e.response ?? ''],
    [out.t('report.messageId'), messageId],
    [out.t('report.encryption'), tls],
    [out.t('report.duration'), `${durationMs} ms`],
  ]));
  out.success(out.t('send.sent', { id: e.id }));
  return EXIT.OK;
}
