import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync, chmodSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MailcfgError, systemReason } from '../core/errors.js';
import type { MessageRef } from '../core/messages.js';
import { EXIT } from '../core/exit.js';

/** mkdir -p with 0700 on every directory we create. */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch (e) {
    throw ioError('create', dir, e);
  }
}

/**
 * Write to a temp file in the same directory and rename: readers see the old
 * file or the new one. `durable` also fsyncs first, for data that must survive
 * a power cut (a newly queued message); a state change that is merely repeated
 * after a crash can skip it.
 */
export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600, durable = true): void {
  ensurePrivateDir(dirname(path));
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw ioError('write', path, e);
  }
}

export type IoAction = 'read' | 'write' | 'create' | 'delete' | 'claim' | 'recover' | 'release';

/** A file of mailcfg's own (profile, queue) could not be used: exit 74, the path, why, and what to check. */
export function ioError(action: IoAction, path: string, e: unknown): MailcfgError {
  return new MailcfgError({
    exit: EXIT.IOERR, code: 'EIO', key: 'err.io', params: { action: { key: `io.${action}` }, path, reason: systemReason(e) },
    hintKey: 'err.io.hint',
  });
}

/** A file the user named (--ca-file, --body-file, --attach, import) could not be read: exit 65. */
export function fileError(path: string | MessageRef, e: unknown): MailcfgError {
  return new MailcfgError({ exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.readFile', params: { path, reason: systemReason(e) } });
}
