import { readdirSync, readFileSync, renameSync, unlinkSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sentToPrune, type QueueEntry } from '../core/queue-state.js';
import { ensurePrivateDir, writeFileAtomic, ioError } from './fsutil.js';
import { parseJson, jsonReason } from '../core/json.js';
import { MailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';

const CLAIM = '.claim-';
const STALE_CLAIM_MS = 3_600_000;

export interface Listed extends QueueEntry {
  /** Claimed by a live process that is sending it right now. */
  sending: boolean;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The on-disk queue: `<id>.eml` holds the message's RFC 5322 bytes, `<id>.json`
 * its state. Both are written atomically, the message first. A sender claims a
 * message by renaming `<id>.json` to `<id>.json.claim-<pid>`: rename is atomic,
 * so exactly one process wins; a claim whose process died goes back.
 */
export class Queue {
  constructor(readonly dir: string) {}

  private json(id: string) {
    return join(this.dir, `${id}.json`);
  }
  emlPath(id: string) {
    return join(this.dir, `${id}.eml`);
  }
  private claimPath(id: string) {
    return `${this.json(id)}${CLAIM}${process.pid}`;
  }

  newId(now = new Date()): string {
    return `${now.getTime().toString(36)}-${randomBytes(3).toString('hex')}`;
  }

  /** Message bytes first, then its state: a listed message always has its bytes. */
  enqueue(entry: QueueEntry, raw: Buffer): void {
    ensurePrivateDir(this.dir);
    writeFileAtomic(this.emlPath(entry.id), raw);
    writeFileAtomic(this.json(entry.id), JSON.stringify(entry, null, 2));
  }

  private readEntry(path: string): QueueEntry | undefined {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw ioError('read', path, e);
    }
    const json = parseJson(text);
    if (!json.ok) {
      throw new MailcfgError({ exit: EXIT.IOERR, code: 'ECORRUPT', key: 'err.corruptJson', params: { path, reason: jsonReason(json) }, hintKey: 'err.corrupt.hint' });
    }
    return json.value as QueueEntry;
  }

  private names(): string[] {
    try {
      return readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw ioError('read', this.dir, e);
    }
  }

  list(): Listed[] {
    const out: Listed[] = [];
    const seen = new Set<string>();
    for (const name of this.names()) {
      const m = /^(.+)\.json(?:\.claim-(\d+))?$/.exec(name);
      if (!m || seen.has(m[1]!)) continue;
      const entry = this.readEntry(join(this.dir, name));
      if (!entry) continue;
      if (m[2] && existsSync(this.json(m[1]!))) continue; // finished, claim not yet removed
      seen.add(m[1]!);
      out.push({ ...entry, sending: !!m[2] && alive(Number(m[2])) });
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  get(id: string): Listed | undefined {
    return this.list().find((e) => e.id === id);
  }

  /** Claims left by processes that died (kill -9, crash, lost power) go back to the queue. */
  recoverStale(): number {
    let recovered = 0;
    for (const name of this.names()) {
      const m = /^(.+)\.json\.claim-(\d+)$/.exec(name);
      if (!m) continue;
      const path = join(this.dir, name);
      const pid = Number(m[2]);
      let old = false;
      try {
        old = Date.now() - statSync(path).mtimeMs > STALE_CLAIM_MS;
      } catch {
        continue;
      }
      if (alive(pid) && !old) continue;
      try {
        if (existsSync(this.json(m[1]!))) unlinkSync(path);
        else {
          renameSync(path, this.json(m[1]!));
          recovered++;
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('recover', path, e);
      }
    }
    return recovered;
  }

  /** Atomic claim; undefined when another process got there first. */
  claim(id: string): QueueEntry | undefined {
    try {
      renameSync(this.json(id), this.claimPath(id));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw ioError('claim', this.json(id), e);
    }
    return this.readEntry(this.claimPath(id));
  }

  /** Give a claimed message back unchanged. */
  unclaim(id: string): void {
    try {
      renameSync(this.claimPath(id), this.json(id));
    } catch (e) {
      throw ioError('release', this.claimPath(id), e);
    }
  }

  /** Give back a claim this process may still hold (an interrupted send); true if it did. */
  unclaimIfHeld(id: string): boolean {
    try {
      renameSync(this.claimPath(id), this.json(id));
      return true;
    } catch {
      return false;
    }
  }

  /** Write the new state, then drop the claim. (Not fsynced: after a power cut the message is at worst sent again.) */
  release(entry: QueueEntry): void {
    writeFileAtomic(this.json(entry.id), JSON.stringify(entry, null, 2), 0o600, false);
    try {
      unlinkSync(this.claimPath(entry.id));
    } catch {
      /* never claimed by this process */
    }
  }

  /** Save a state change to an unclaimed message (retry). */
  update(entry: QueueEntry): void {
    const claimed = this.claim(entry.id);
    if (!claimed) return;
    this.release(entry);
  }

  readMessage(id: string): Buffer {
    try {
      return readFileSync(this.emlPath(id));
    } catch (e) {
      throw ioError('read', this.emlPath(id), e);
    }
  }

  /** Remove a message unless a live process is sending it. */
  remove(id: string): boolean {
    const claimed = this.claim(id);
    if (!claimed) return false;
    for (const p of [this.emlPath(id), this.claimPath(id)]) {
      try {
        unlinkSync(p);
      } catch {
        /* gone */
      }
    }
    return true;
  }

  pruneSent(): void {
    for (const e of sentToPrune(this.list())) this.remove(e.id);
  }
}
