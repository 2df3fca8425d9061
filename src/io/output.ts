import type { ChalkInstance } from 'chalk';
import { t, type Lang, type MessageKey, type MessageParams } from '../core/messages.js';
import type { MailcfgError } from '../core/errors.js';
import { fieldSpec } from '../core/fields.js';
import type { FieldIssue } from '../core/account.js';
import type { PromptWords } from './prompts.js';

/** The styles mailcfg uses; chalk's when colours are on. */
export type Paint = Pick<ChalkInstance, 'bold' | 'dim' | 'green' | 'red' | 'yellow' | 'cyan'>;

const plain = (text: unknown) => String(text);
/** No colours: every style prints the text as it is. */
export const PLAIN: Paint = { bold: plain, dim: plain, green: plain, red: plain, yellow: plain, cyan: plain } as unknown as Paint;

/** chalk only when colours are on: without a terminal its colour detection (node:tty, node:net) is start-up time spent for nothing. */
export async function paintFor(color: boolean): Promise<Paint> {
  if (!color) return PLAIN;
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}

export interface OutputOptions {
  lang: Lang;
  json: boolean;
  /** Styles for the terminal; PLAIN (the default) for none. */
  paint?: Paint;
  verbose: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/**
 * Results go to stdout; messages, warnings and transcripts to stderr.
 * With --json, stdout carries exactly one JSON document.
 */
export class Output {
  readonly lang: Lang;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly c: Paint;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;

  constructor(o: OutputOptions) {
    this.lang = o.lang;
    this.json = o.json;
    this.verbose = o.verbose;
    this.c = o.json ? PLAIN : o.paint ?? PLAIN;
    this.stdout = o.stdout ?? process.stdout;
    this.stderr = o.stderr ?? process.stderr;
  }

  t(key: MessageKey, params?: MessageParams): string {
    return t(this.lang, key, params);
  }

  /** A line of the command's result (suppressed under --json). */
  line(text = ''): void {
    if (!this.json) this.stdout.write(text + '\n');
  }

  /** The words prompts show besides the question (yes/no, key help), in the output's language. */
  promptWords(): PromptWords {
    return {
      yes: this.t('confirm.yes'), no: this.t('confirm.no'), error: this.t('confirm.error'),
      keys: { navigate: this.t('keys.navigate'), select: this.t('keys.select'), 'toggle visibility': this.t('keys.toggleVisibility') },
    };
  }

  info(text: string): void {
    this.stderr.write(text + '\n');
  }

  warn(text: string): void {
    this.stderr.write(this.c.yellow(text) + '\n');
  }

  success(text: string): void {
    if (!this.json) this.stdout.write(this.c.green('✔ ') + text + '\n');
  }

  printJson(doc: unknown): void {
    this.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  }

  issueLine(i: FieldIssue): string {
    const spec = fieldSpec(i.field);
    const label = spec ? `${this.t(spec.label)} (${i.field})` : i.field;
    if (i.key === 'unknownKey') return `  - ${this.t('err.unknownKey', { key: i.field })}`;
    return `  - ${label}: ${this.t(i.key, i.params)}`;
  }

  errorSentence(e: MailcfgError): string {
    const only = e.issues[0];
    if (e.key === 'err.invalidField' && only && only.key !== 'unknownKey') {
      // a reason that ends in its own punctuation ("did you mean …?") takes no second full stop
      return this.t('err.invalidField', { field: (e.params.field as string | undefined) ?? only.field, reason: this.t(only.key, only.params) }).replace(/([?!.])\.$/, '$1');
    }
    return this.t(e.key, e.params);
  }

  /** The per-field lines under the sentence (none when the sentence already says it all). */
  private issueLines(e: MailcfgError): string[] {
    return e.key === 'err.invalidField' ? [] : e.issues.map((i) => this.issueLine(i));
  }

  errorHint(e: MailcfgError): string | undefined {
    return e.hintKey ? this.t(e.hintKey, e.hintParams) : undefined;
  }

  /** One plain sentence, the invalid fields, and a hint (stderr). */
  error(e: MailcfgError): void {
    this.stderr.write(this.c.red(`mailcfg: ${this.errorSentence(e)}`) + '\n');
    for (const line of this.issueLines(e)) this.stderr.write(line + '\n');
    const hint = this.errorHint(e);
    if (hint) this.stderr.write(`${this.t('label.hint')}: ${hint}\n`);
  }

  /** The `error` object of every --json document (SPEC §7). */
  errorJson(e: MailcfgError | null): null | { code: string; smtpCode: number | null; message: string; hint: string | null } {
    if (!e) return null;
    const issues = this.issueLines(e).map((l) => l.trim().replace(/^- /, ''));
    const message = [this.errorSentence(e), ...issues].join(' ');
    return { code: e.code, smtpCode: e.smtpCode, message, hint: this.errorHint(e) ?? null };
  }
}
