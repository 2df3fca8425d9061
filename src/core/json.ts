import type { MessageRef } from './messages.js';

/**
 * JSON.parse without its error text: V8 quotes a piece of the input in some messages
 * (`Unexpected token 'C', ..."assword": Canary…" is not valid JSON`), and the input may hold a password.
 * A failure says only where the syntax broke.
 */
export type JsonResult = { ok: true; value: unknown } | { ok: false; line?: number; column?: number; end?: boolean };

export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const message = (e as Error).message;
    if (/end of JSON input/i.test(message)) return { ok: false, end: true };
    const at = /at position (\d+)/.exec(message);
    if (!at) return { ok: false };
    if (text.slice(Number(at[1])).trim() === '') return { ok: false, end: true };
    const before = text.slice(0, Number(at[1]));
    const lines = before.split('\n');
    return { ok: false, line: lines.length, column: lines[lines.length - 1]!.length + 1 };
  }
}

/** Why the text is not JSON, as a message for an error sentence (never a piece of the text). */
export function jsonReason(r: Extract<JsonResult, { ok: false }>): MessageRef {
  if (r.end) return { key: 'json.end' };
  if (r.line !== undefined) return { key: 'json.at', params: { line: r.line, column: r.column! } };
  return { key: 'json.syntax' };
}
