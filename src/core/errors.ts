import type { MessageKey, MessageParams, MessageRef } from './messages.js';
import { EXIT, type ExitCode } from './exit.js';
import type { FieldIssue } from './account.js';

export type Params = MessageParams;

/**
 * A failure the user should understand. Carries its exit code, a stable code
 * for `--json`, and catalogue keys (not sentences) so it is rendered in the
 * user's language at the edge.
 */
export class MailcfgError extends Error {
  readonly exit: ExitCode;
  readonly code: string;
  readonly key: MessageKey;
  readonly params: Params;
  readonly hintKey: MessageKey | undefined;
  readonly hintParams: Params;
  readonly smtpCode: number | null;
  /** One per invalid field, shown under the sentence. */
  readonly issues: FieldIssue[];

  constructor(init: {
    exit: ExitCode;
    code: string;
    key: MessageKey;
    params?: Params;
    hintKey?: MessageKey;
    hintParams?: Params;
    smtpCode?: number | null;
    issues?: FieldIssue[];
  }) {
    super(init.key);
    this.name = 'MailcfgError';
    this.exit = init.exit;
    this.code = init.code;
    this.key = init.key;
    this.params = init.params ?? {};
    this.hintKey = init.hintKey;
    this.hintParams = init.hintParams ?? init.params ?? {};
    this.smtpCode = init.smtpCode ?? null;
    this.issues = init.issues ?? [];
  }
}

export function isMailcfgError(e: unknown): e is MailcfgError {
  return e instanceof MailcfgError;
}

/** System error codes the catalogue explains in words (the code itself stays in the sentence, for searching). */
const EXPLAINED = new Set(['EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EISDIR', 'ENOSPC', 'EROFS', 'EEXIST', 'EBUSY', 'EMFILE']);

/** Why a file operation failed, as a catalogue reference when the code is a known one. */
export function systemReason(e: unknown): string | MessageRef {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && EXPLAINED.has(code)) return { key: `errno.${code}` as MessageKey };
  return code ?? (e as Error)?.message ?? String(e);
}

/** One bad option value (exit 65): "Invalid value for --timeout: must be … , not "abc"." */
export function invalidOption(field: string, reason: MessageKey, value: string): MailcfgError {
  return new MailcfgError({
    exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.invalidField', params: { field, reason: { key: reason, params: { value: JSON.stringify(value) } } },
  });
}
