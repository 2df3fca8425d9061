import { MailcfgError, isMailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';
import { isDue, isPending, markDeferred, markRequeued, type QueueEntry, type QueueError } from '../core/queue-state.js';
import { hasKey, type MessageKey } from '../core/messages.js';
import { localTime } from '../core/render.js';
import type { Output } from '../io/output.js';
import { isTemporary } from '../core/diagnose.js';
import { Queue } from '../io/queue.js';
import { Session } from '../io/mailer.js';
import { progress } from '../io/progress.js';
import type { Ctx } from './context.js';
import { mailerOptions, runAccount } from './run-account.js';
import { deliver, errorRecord } from './send.js';

function entryJson(e: QueueEntry & { sending?: boolean }) {
  return {
    id: e.id, status: e.sending ? 'sending' : e.status, to: e.to, subject: e.subject, attempts: e.attempts,
    lastError: e.lastError && { code: e.lastError.code, smtpCode: e.lastError.smtpCode, message: e.lastError.message },
    nextAttemptAt: e.nextAttemptAt, createdAt: e.createdAt,
  };
}

/** A recorded failure in the reader's language when it was recorded as a catalogue key, else as it was written. */
function queueErrorText(out: Output, err: QueueError): string {
  if (err.key && hasKey(err.key)) return out.t(err.key, err.params ?? {});
  return err.message;
}

export async function list(ctx: Ctx): Promise<number> {
  const { out } = ctx;
  const q = new Queue(ctx.paths.queueDir);
  const entries = q.list();
  if (out.json) {
    out.printJson(entries.map(entryJson));
    return EXIT.OK;
  }
  if (entries.length === 0) {
    out.line(out.t('queue.empty'));
    return EXIT.OK;
  }
  const rows = entries.map((e) => {
    const status = e.sending ? 'sending' : e.status;
    const colour = status === 'sent' ? out.c.green : status === 'failed' ? out.c.red : status === 'deferred' ? out.c.yellow : out.c.cyan;
    return { e, status, colour, label: out.t(`queue.status.${status}` as MessageKey) };
  });
  const width = Math.max(...rows.map((r) => [...r.label].length));
  for (const { e, status, colour, label } of rows) {
    out.line(`${e.id}  ${colour(label + ' '.repeat(width - [...label].length))}  ${localTime(e.createdAt)}  ${e.to.join(', ')}  “${e.subject}”  (${out.t('queue.attempts', { n: e.attempts })})`);
    if (e.lastError && status !== 'sent') out.line(`    ${queueErrorText(out, e.lastError)}`);
    if (status === 'deferred' && e.nextAttemptAt) out.line(`    ${out.t('queue.nextAttempt', { at: localTime(e.nextAttemptAt) })}`);
  }
  return EXIT.OK;
}

/**
 * Every pending message over one connection (RSET between messages). A
 * message another process holds is skipped; one whose holder died is taken back.
 */
export async function flush(ctx: Ctx, opts: { due?: boolean; only?: string }): Promise<number> {
  const { out } = ctx;
  const a = runAccount(ctx, {}, { requireEnabled: true });
  const q = new Queue(ctx.paths.queueDir);
  q.recoverStale();
  const now = new Date();
  const wanted = (e: QueueEntry) => (opts.due ? isDue(e, now) : isPending(e));
  const todo = q.list().filter((e) => !e.sending && wanted(e) && (!opts.only || e.id === opts.only));
  const results = { sent: 0, deferred: 0, failed: 0 };
  const items: Array<ReturnType<typeof entryJson> & { error: unknown }> = [];
  // assigned inside the closure below, where TypeScript cannot follow it
  let worst = null as MailcfgError | null;
  const spin = await progress(out, a.host!, a.port!);
  let session: Session | undefined;
  let needsReset = false;
  let holding: string | undefined;
  const interrupted = () => {
    spin.stop();
    if (holding && q.unclaimIfHeld(holding)) out.info(out.t('send.interrupted', { id: holding }));
    out.info(out.t('queue.flushSummary', { sent: results.sent, deferred: results.deferred, failed: results.failed }));
  };
  await ctx.interruptible(interrupted, async () => {
    try {
      for (const listed of todo) {
        const entry = q.claim(listed.id);
        if (!entry) continue;
        // The list is a snapshot: another process may have sent it since. Only the claimed state counts.
        if (!wanted(entry)) {
          q.unclaim(entry.id);
          continue;
        }
        holding = entry.id;
        if (session && session.usable && needsReset) await session.reset();
        if (!session || !session.usable) {
          try {
            session = await Session.open(await mailerOptions(ctx, a, { onStage: spin.stage }));
          } catch (e) {
            if (!isMailcfgError(e)) throw e;
            // Nothing reached the server: the message keeps its place and the others stay untouched.
            const next = markDeferred(entry, new Date(), errorRecord(out, e));
            q.release(next);
            holding = undefined;
            results.deferred++;
            items.push({ ...entryJson(next), error: out.errorJson(e) });
            worst = e;
            break;
          }
        }
        const d = await deliver(q, session, entry, out);
        holding = undefined;
        // After a refused transaction RSET clears the server's state; after a completed one MAIL FROM may follow at once.
        needsReset = !!d.error;
        results[d.entry.status as 'sent' | 'deferred' | 'failed']++;
        items.push({ ...entryJson(d.entry), error: out.errorJson(d.error) });
        if (d.error) {
          if (!worst || (isTemporary(worst) && !isTemporary(d.error))) worst = d.error;
          if (!out.json) out.warn(`${d.entry.id}: ${out.errorSentence(d.error)}`);
        } else if (!out.json) out.line(`${d.entry.id}  ${out.c.green(out.t('queue.status.sent'))}  ${d.entry.to.join(', ')}`);
      }
    } finally {
      spin.stop();
      session?.close();
    }
  });
  q.pruneSent();
  const code = !worst ? EXIT.OK : results.failed > 0 ? EXIT.NOUSER : worst.exit;
  if (out.json) {
    out.printJson({ ok: code === EXIT.OK, ...results, messages: items, error: out.errorJson(worst) });
    return code;
  }
  if (worst && results.sent === 0 && results.failed === 0) out.error(worst);
  out.line(out.t('queue.flushSummary', { sent: results.sent, deferred: results.deferred, failed: results.failed }));
  return code;
}

function notFound(id: string): MailcfgError {
  return new MailcfgError({ exit: EXIT.DATAERR, code: 'ENOTFOUND', key: 'queue.notFound', params: { id }, hintKey: 'queue.notFound.hint' });
}

export async function retry(ctx: Ctx, id: string): Promise<number> {
  const q = new Queue(ctx.paths.queueDir);
  q.recoverStale();
  const e = q.get(id);
  if (!e) throw notFound(id);
  if (e.status !== 'sent') q.update(markRequeued(e, new Date()));
  return flush(ctx, { only: id });
}

export async function remove(ctx: Ctx, id: string): Promise<number> {
  const { out } = ctx;
  const q = new Queue(ctx.paths.queueDir);
  q.recoverStale();
  if (!q.get(id)) throw notFound(id);
  if (!q.remove(id)) throw new MailcfgError({ exit: EXIT.TEMPFAIL, code: 'EBUSY', key: 'queue.busy', params: { id } });
  if (out.json) out.printJson({ ok: true, removed: [id] });
  else out.line(out.t('queue.removed', { id }));
  return EXIT.OK;
}

export async function clear(ctx: Ctx): Promise<number> {
  const { out } = ctx;
  const q = new Queue(ctx.paths.queueDir);
  q.recoverStale();
  const removed = q.list().filter((e) => !e.sending && q.remove(e.id)).map((e) => e.id);
  if (out.json) out.printJson({ ok: true, removed });
  else out.line(out.t('queue.cleared', { n: removed.length }));
  return EXIT.OK;
}
