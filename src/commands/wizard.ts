import {
  parseField, isGoogleHost, isMicrosoftHost, isGmailAppPassword, ENCRYPTIONS, setPath, getPath,
  type Account, type AuthMethod, type Encryption,
} from '../core/account.js';
import { presetForHost, deriveLogin } from '../core/presets.js';
import { accountLines, formatLines } from '../core/render.js';
import type { MessageKey } from '../core/messages.js';
import type { Output } from '../io/output.js';
import type { Prompter } from '../io/prompts.js';

const PORT_CHOICES = [587, 465, 25] as const;

export interface WizardOptions {
  /** Ask only these fields (preset: what is still missing); all when absent. */
  only?: string[];
  /** Login rule of the chosen preset, for the default login. */
  loginRule?: 'localpart' | 'address';
  /** Server settings for an address (detection), offered as defaults when no server is set yet; the caller keeps what was given explicitly. */
  propose?: (email: string) => Promise<Account | undefined>;
  /** Set by the wizard when the user chose a person's sign-in (device code) for Microsoft 365: done after the summary. */
  state?: { deviceSignIn?: boolean };
}

/**
 * The `init` wizard: every field of SPEC §1 in the order of the original settings tab, pre-filled
 * from `start`, each answer validated by the account schema as it is typed.
 */
export async function runWizard(p: Prompter, out: Output, start: Account, opts: WizardOptions = {}): Promise<Account> {
  const a: Account = structuredClone(start);
  const ask = (key: string) => !opts.only || opts.only.includes(key);
  const label = (key: MessageKey) => out.t(key);

  const validator = (key: string, required: boolean) => (v: string): true | string => {
    if (v.trim() === '') return required ? `${out.t('invalid.required')}` : true;
    const r = parseField(key, v);
    return r.ok ? true : r.issue.key === 'unknownKey' ? key : out.t(r.issue.key, r.issue.params);
  };
  const text = async (key: string, msg: MessageKey, required: boolean) => {
    const current = getPath(a, key);
    const answer = await p.input({
      message: label(msg), default: current === undefined ? undefined : String(current), validate: validator(key, required),
    });
    const r = parseField(key, answer);
    setPath(a, key, answer.trim() === '' ? undefined : r.ok ? r.value : undefined);
  };

  if (ask('enabled')) a.enabled = await p.confirm({ message: label('field.enabled'), default: a.enabled ?? true });
  if (ask('accountName')) await text('accountName', 'field.accountName', true);
  if (ask('email')) await text('email', 'field.email', true);
  if (opts.propose && a.email && a.host === undefined) {
    const found = await opts.propose(a.email);
    if (found) Object.assign(a, found);
  }
  if (ask('displayName')) await text('displayName', 'field.displayName', false);
  if (ask('replyTo')) await text('replyTo', 'field.replyTo', false);
  if (ask('description')) await text('description', 'field.description', false);
  if (!opts.only) out.info(out.t('wiz.serverType'));
  if (ask('host')) await text('host', 'field.host', true);

  if (ask('port')) {
    const current = a.port;
    const choice = await p.select<number | 'other'>({
      message: label('field.port'),
      choices: [...PORT_CHOICES.map((n) => ({ name: String(n), value: n as number | 'other' })), { name: out.t('wiz.portOther'), value: 'other' }],
      default: current === undefined ? 587 : (PORT_CHOICES as readonly number[]).includes(current) ? current : 'other',
    });
    if (choice === 'other') {
      const v = await p.input({ message: out.t('wiz.portOtherPrompt'), default: current ? String(current) : undefined, validate: validator('port', true) });
      a.port = Number(v.trim());
      out.warn(out.t('warn.unusualPort', { port: a.port }));
    } else a.port = choice;
  }

  if (ask('encryption')) {
    a.encryption = await p.select<Encryption>({
      message: label('field.encryption'),
      choices: (['auto', 'ssl', 'starttls', 'none'] as const).filter((e) => ENCRYPTIONS.includes(e)).map((e) => ({
        name: out.t(`enc.${e}`).split(' — ')[0]!, value: e, description: out.t(`enc.${e}`),
      })),
      default: a.encryption ?? 'auto',
    });
  }

  const google = isGoogleHost(a.host);
  if (ask('auth')) {
    const methods: AuthMethod[] = ['password'];
    if (isMicrosoftHost(a.host) || a.auth === 'oauth2') methods.push('oauth2');
    methods.push('none');
    if (google) out.info(out.t('wiz.googleNoOauth'));
    a.auth = await p.select<AuthMethod>({
      message: label('field.auth'),
      choices: methods.map((m) => ({ name: out.t(`auth.${m}`), value: m })),
      default: a.auth && methods.includes(a.auth) ? a.auth : 'password',
    });
  }
  const method = a.auth ?? 'password';

  if (method !== 'none' && (ask('login') || (opts.only && a.login === undefined))) {
    if (a.login === undefined) {
      const rule = opts.loginRule ?? presetForHost(a.host)?.login ?? 'address';
      a.login = deriveLogin(rule, a.email);
    }
    await text('login', 'field.login', true);
  }

  if (method === 'password' && ask('password')) {
    if (google) out.info(out.t('wiz.gmailNote'));
    const had = a.password !== undefined;
    const answer = await p.password({
      message: had ? out.t('wiz.passwordKeep') : label('field.password'),
      validate: (v) => {
        if (v === '') return had ? true : out.t('invalid.required');
        if (google && !isGmailAppPassword(v)) return out.t('invalid.gmailAppPassword');
        const r = parseField('password', v);
        return r.ok ? true : out.t(r.issue.key as MessageKey, r.issue.params);
      },
    });
    if (answer !== '') a.password = google ? answer.replace(/ /g, '') : answer;
  }

  if (method === 'oauth2') {
    if (ask('oauth2.tenantId')) await text('oauth2.tenantId', 'field.oauth2.tenantId', true);
    if (ask('oauth2.clientId')) await text('oauth2.clientId', 'field.oauth2.clientId', true);
    if (ask('oauth2.clientSecret') && !a.oauth2?.refreshToken) {
      const had = a.oauth2?.clientSecret !== undefined;
      const how = await p.select<'secret' | 'device'>({
        message: out.t('wiz.oauthFlow'),
        choices: [
          { name: out.t('wiz.oauthFlow.secret'), value: 'secret' },
          { name: out.t('wiz.oauthFlow.device'), value: 'device' },
        ],
        default: 'secret',
      });
      if (how === 'device') {
        if (opts.state) opts.state.deviceSignIn = true;
        return a;
      }
      const answer = await p.password({
        message: had ? `${label('field.oauth2.clientSecret')} (Enter = ${out.t('value.masked')})` : label('field.oauth2.clientSecret'),
        validate: (v) => (v === '' && !had ? out.t('invalid.required') : true),
      });
      if (answer !== '') setPath(a, 'oauth2.clientSecret', answer);
    }
  }
  return a;
}

/** Summary and "save?" — true when the user confirms. */
export async function confirmSummary(p: Prompter, out: Output, a: Account): Promise<boolean> {
  out.info('\n' + out.c.bold(out.t('wiz.summary')));
  out.info(formatLines(accountLines(out.lang, a)));
  return p.confirm({ message: out.t('wiz.confirmSave'), default: true });
}
