import { readFileSync } from 'node:fs';
import {
  FIELD_KEYS, SECRET_KEYS, fieldSpec, getPath, parseField, parseAccount, mergeAccounts, setPath, withoutSecrets, withDefaults,
  type Account,
} from '../core/account.js';
import { displayValue, accountLines, formatLines } from '../core/render.js';
import { MailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';
import type { MessageRef } from '../core/messages.js';
import { parseJson, jsonReason } from '../core/json.js';
import { saveProfile, deleteProfile } from '../io/store.js';
import { fileError } from '../io/fsutil.js';
import { accountWarnings, loadSaved, type Ctx } from './context.js';

/** The --json form of a profile: secrets replaced by `<name>Set` flags unless revealed. */
export function profileJson(profile: string, a: Account, reveal = false): Record<string, unknown> {
  const doc: Record<string, unknown> = { profile, ...(reveal ? a : withoutSecrets(a)) };
  doc.passwordSet = a.password !== undefined;
  if (a.oauth2) {
    doc.clientSecretSet = a.oauth2.clientSecret !== undefined;
    doc.refreshTokenSet = a.oauth2.refreshToken !== undefined;
  }
  return doc;
}

export async function show(ctx: Ctx, opts: { reveal?: boolean }): Promise<number> {
  const { out } = ctx;
  const a = loadSaved(ctx);
  if (!a) {
    if (out.json) out.printJson({ profile: ctx.profile, exists: false });
    else out.line(out.t('msg.noProfileYet', { profile: ctx.profile }));
    return EXIT.OK;
  }
  if (out.json) {
    out.printJson({ ...profileJson(ctx.profile, withDefaults(a), !!opts.reveal), exists: true });
    return EXIT.OK;
  }
  out.line(out.c.bold(`[${ctx.profile}]`));
  out.line(formatLines(accountLines(out.lang, withDefaults(a), !!opts.reveal)));
  return EXIT.OK;
}

function checkKey(key: string): string {
  if (!FIELD_KEYS.includes(key)) {
    throw new MailcfgError({
      exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.unknownKey', params: { key },
      hintKey: 'err.unknownKey.hint', hintParams: { keys: FIELD_KEYS.filter((k) => !SECRET_KEYS.includes(k)).join(', ') },
    });
  }
  return key;
}

export async function set(ctx: Ctx, key: string, value: string): Promise<number> {
  const { out } = ctx;
  checkKey(key);
  if (SECRET_KEYS.includes(key)) {
    throw new MailcfgError({
      exit: EXIT.USAGE, code: 'EUSAGE', key: 'err.readonlyKey', params: { key }, hintKey: 'err.passwordArgv.hint',
    });
  }
  const r = parseField(key, value);
  if (!r.ok) {
    throw new MailcfgError({ exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.invalidField', params: { field: key }, issues: [r.issue] });
  }
  const saved = loadSaved(ctx) ?? {};
  const next = setPath(structuredClone(saved), key, value.trim() === '' ? undefined : r.value);
  const checked = parseAccount(next);
  if (!checked.ok) throw new MailcfgError({ exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.invalidValues', issues: checked.issues });
  await saveProfile(ctx.paths.profileFile, checked.account);
  accountWarnings(ctx, checked.account, saved);
  if (out.json) out.printJson({ ok: true, profile: ctx.profile, key, value: getPath(checked.account, key) ?? null });
  else out.line(out.t('msg.setValue', { key, value: displayValue(out.lang, key, getPath(checked.account, key)) }));
  return EXIT.OK;
}

export async function get(ctx: Ctx, key: string, opts: { reveal?: boolean }): Promise<number> {
  const { out } = ctx;
  checkKey(key);
  const a = withDefaults(loadSaved(ctx) ?? {});
  const v = getPath(a, key);
  const secret = fieldSpec(key)?.secret;
  if (out.json) {
    out.printJson({ profile: ctx.profile, key, value: secret && !opts.reveal ? (v === undefined ? null : '********') : v ?? null });
  } else if (v !== undefined) {
    out.line(secret && !opts.reveal ? out.t('value.masked') : String(v));
  }
  return EXIT.OK;
}

export async function reset(ctx: Ctx, opts: { yes?: boolean }): Promise<number> {
  const { out } = ctx;
  if (!opts.yes) {
    if (!ctx.interactive) throw new MailcfgError({ exit: EXIT.USAGE, code: 'EUSAGE', key: 'err.resetNeedsYes', hintKey: 'err.resetNeedsYes.hint' });
    const { inquirerPrompter } = await import('../io/prompts.js');
    const p = await inquirerPrompter(out.promptWords());
    const ok = await p.confirm({ message: `${out.t('err.resetNeedsYes')} (${ctx.profile})`, default: false });
    if (!ok) {
      out.line(out.t('msg.cancelled'));
      return EXIT.OK;
    }
  }
  const removed = deleteProfile(ctx.paths.profileFile);
  if (out.json) out.printJson({ ok: true, profile: ctx.profile, removed });
  else out.line(out.t(removed ? 'msg.reset' : 'msg.resetNone', { profile: ctx.profile }));
  return EXIT.OK;
}

export async function path(ctx: Ctx): Promise<number> {
  const { out, paths } = ctx;
  if (out.json) {
    out.printJson({ profile: ctx.profile, configDir: paths.configDir, profileFile: paths.profileFile, queueDir: paths.queueDir });
  } else {
    out.line(formatLines([
      [out.t('msg.pathConfig'), paths.configDir],
      [out.t('msg.pathProfile'), paths.profileFile],
      [out.t('msg.pathQueue'), paths.queueDir],
    ]));
  }
  return EXIT.OK;
}

export async function exportProfile(ctx: Ctx, opts: { withSecrets?: boolean }): Promise<number> {
  const { out } = ctx;
  const a = loadSaved(ctx);
  if (!a) throw new MailcfgError({ exit: EXIT.CONFIG, code: 'ECONFIG', key: 'err.noProfile', params: { profile: ctx.profile }, hintKey: 'err.noProfile.hint' });
  if (opts.withSecrets) out.warn(out.t('msg.exportSecretsWarning'));
  out.printJson(opts.withSecrets ? withDefaults(a) : withoutSecrets(withDefaults(a)));
  return EXIT.OK;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Validated as a whole before anything is written; secrets absent from the file are kept. */
export async function importProfile(ctx: Ctx, file: string): Promise<number> {
  const { out } = ctx;
  const source: MessageRef = file === '-' ? { key: 'file.stdin' } : { key: 'file.named', params: { path: file } };
  let text: string;
  try {
    text = file === '-' ? await readAll(ctx.stdin) : readFileSync(file, 'utf8');
  } catch (e) {
    throw fileError(file === '-' ? { key: 'file.stdin' } : file, e);
  }
  const json = parseJson(text);
  if (!json.ok) throw new MailcfgError({ exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.importJson', params: { source, reason: jsonReason(json) } });
  const data = json.value;
  if (data && typeof data === 'object') {
    for (const k of ['profile', 'passwordSet', 'clientSecretSet', 'refreshTokenSet', 'exists']) delete (data as Record<string, unknown>)[k];
  }
  const r = parseAccount(data);
  if (!r.ok) throw new MailcfgError({ exit: EXIT.DATAERR, code: 'EINPUT', key: 'err.invalidValues', issues: r.issues });
  const saved = loadSaved(ctx) ?? {};
  const keep: Account = {};
  for (const k of SECRET_KEYS) if (getPath(r.account, k) === undefined && getPath(saved, k) !== undefined) setPath(keep, k, getPath(saved, k));
  const account = mergeAccounts(r.account, keep);
  await saveProfile(ctx.paths.profileFile, account);
  accountWarnings(ctx, account);
  if (out.json) out.printJson({ ok: true, ...profileJson(ctx.profile, account) });
  else out.success(out.t('msg.imported', { profile: ctx.profile }));
  return EXIT.OK;
}
