import type { MessageParams } from './messages.js';

/** The life of a queued message. Pure: the store in io/queue.ts applies these. */
export type QueueStatus = 'queued' | 'deferred' | 'failed' | 'sent';

export interface QueueError {
  code: string;
  smtpCode: number | null;
  /** The sentence in the language of the run that recorded it. */
  message: string;
  /** The same sentence as a catalogue key, so that `queue list` can say it in the reader's language. */
  key?: string;
  params?: MessageParams;
}

export interface QueueEntry {
  id: string;
  status: QueueStatus;
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  size: number;
  attempts: number;
  lastError: QueueError | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  response?: string;
  accepted?: string[];
  rejected?: string[];
  /** The server's reply to each refused recipient, in the order of `rejected`. */
  rejectedReplies?: string[];
}

export const SENT_KEPT = 100;
const BASE_DELAY_MS = 60_000;
const MAX_DELAY_MS = 4 * 3_600_000;

/** Exponential backoff: 1, 2, 4, 8 … minutes, at most 4 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
}

export function isPending(e: QueueEntry): boolean {
  return e.status === 'queued' || e.status === 'deferred';
}

/** `--due`: queued ones, and deferred ones whose retry time has come. */
export function isDue(e: QueueEntry, now: Date): boolean {
  if (e.status === 'queued') return true;
  return e.status === 'deferred' && (!e.nextAttemptAt || Date.parse(e.nextAttemptAt) <= now.getTime());
}

export function markSent(
  e: QueueEntry, now: Date, r: { response: string; accepted: string[]; rejected: string[]; rejectedErrors?: string[] },
): QueueEntry {
  const sent: QueueEntry = {
    ...e, status: 'sent', attempts: e.attempts + 1, lastError: null, nextAttemptAt: null,
    updatedAt: now.toISOString(), sentAt: now.toISOString(), response: r.response, accepted: r.accepted, rejected: r.rejected,
  };
  if (r.rejected.length) sent.rejectedReplies = r.rejectedErrors ?? [];
  return sent;
}

export function markDeferred(e: QueueEntry, now: Date, error: QueueError): QueueEntry {
  const attempts = e.attempts + 1;
  return {
    ...e, status: 'deferred', attempts, lastError: error,
    nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)).toISOString(), updatedAt: now.toISOString(),
  };
}

export function markFailed(e: QueueEntry, now: Date, error: QueueError): QueueEntry {
  return { ...e, status: 'failed', attempts: e.attempts + 1, lastError: error, nextAttemptAt: null, updatedAt: now.toISOString() };
}

/** `queue retry`: a failed or deferred message goes back to the head of the queue. */
export function markRequeued(e: QueueEntry, now: Date): QueueEntry {
  return { ...e, status: 'queued', nextAttemptAt: null, updatedAt: now.toISOString() };
}

/** Sent messages beyond the newest SENT_KEPT, to delete. */
export function sentToPrune(entries: QueueEntry[]): QueueEntry[] {
  const sent = entries.filter((e) => e.status === 'sent').sort((a, b) => (b.sentAt ?? '').localeCompare(a.sentAt ?? ''));
  return sent.slice(SENT_KEPT);
}
