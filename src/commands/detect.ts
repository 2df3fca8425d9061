import { isMailbox } from '../core/account.js';
import { proposalAccount, type Proposal } from '../core/detect.js';
import { invalidOption, MailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';
import { formatLines } from '../core/render.js';
import type { Output } from '../io/output.js';
import type { Ctx } from './context.js';
import { applyServer, type SetupOptions } from './setup.js';

export interface DetectOptions extends SetupOptions {
  yes?: boolean;
  probe?: boolean;
  budget?: string;
  caFile?: string;
}

const MARK = { found: '✔', nothing: '–', error: '✖', timeout: '⏱' } as const;

function proposalLines(out: Output, p: Proposal): Array<[string, string]> {
  const lines: Array<[string, string]> = [
    [out.t('field.host'), p.host],
    [out.t('field.port'), String(p.port)],
    [out.t('field.encryption'), p.encryption],
    [out.t('field.auth'), out.t(`auth.${p.auth}`)],
    [out.t('field.login'), p.login],
  ];
  if (p.alternatives.length) lines.push([out.t('detect.alternatives'), p.alternatives.join(', ')]);
  return lines;
}

/** `mailcfg detect <email>`: provider settings for an address, each with where it came from; saved only when confirmed. */
export async function detectCommand(ctx: Ctx, email: string, opts: DetectOptions): Promise<number> {
  const { out } = ctx;
  if (!isMailbox(email)) {
    throw invalidOption('<email>', 'invalid.email', email);
  }
  const budgetS = opts.budget === undefined ? 5 : Number(opts.budget);
  if (!Number.isFinite(budgetS) || budgetS <= 0 || budgetS > 120) {
    throw invalidOption('--budget', 'invalid.budget', String(opts.budget));
  }
  const { detect } = await import('../io/detect.js');
  const r = await detect(email, { budgetMs: Math.round(budgetS * 1000), probe: !!opts.probe, env: ctx.env, caFile: opts.caFile });
  const confirmSave = async (): Promise<boolean> => {
    if (!r.proposal) return false;
    if (!ctx.interactive) return !!opts.yes;
    const { inquirerPrompter } = await import('../io/prompts.js');
    return (await inquirerPrompter(out.promptWords())).confirm({ message: out.t('detect.confirmSave', { profile: ctx.profile }), default: true });
  };

  if (!out.json) {
    if (r.proposal) {
      out.line(out.t('detect.found', { email, source: out.t(`detect.source.${r.proposal.source}`), from: r.proposal.from }));
      out.line(formatLines(proposalLines(out, r.proposal).map(([k, v]) => [`  ${k}`, v])));
    } else {
      out.line(out.t('detect.none', { email }));
    }
    out.line(out.t('detect.tried'));
    for (const n of r.tried) out.line(`  ${MARK[n.result]} ${out.t(`detect.source.${n.source}`)}: ${n.what}${n.detail ? ` (${n.detail})` : ''}`);
    if (r.timedOut) out.warn(out.t('detect.timedOut', { seconds: budgetS }));
  }
  if (!r.proposal) {
    const err = new MailcfgError({ exit: EXIT.CONFIG, code: 'ENOTDETECTED', key: 'detect.none', params: { email }, hintKey: 'detect.none.hint' });
    if (out.json) {
      out.printJson({ ...r, saved: false, error: out.errorJson(err) });
      return err.exit;
    }
    out.info(`${out.t('label.hint')}: ${out.t('detect.none.hint')}`);
    return err.exit;
  }
  if (!(await confirmSave())) {
    if (out.json) out.printJson({ ...r, saved: false, error: null });
    else if (!ctx.interactive) out.info(out.t('detect.notSaved'));
    return EXIT.OK;
  }
  const p = r.proposal;
  const code = await applyServer(ctx, () => proposalAccount(p), undefined, `${out.t(`detect.source.${p.source}`)} (${p.from})`, { ...opts, email }, {});
  return code;
}
