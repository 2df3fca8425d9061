import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, tempConfig } from '../helpers/cli.js';
import { startServer, testCerts, type TestServer } from '../helpers/smtp.js';
import { startTokenEndpoint, type TokenEndpoint } from '../helpers/token-endpoint.js';

const open: Array<TestServer | TokenEndpoint> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const SECRET = 'Client~Secret~Canary~42';
const TENANT = 'contoso.onmicrosoft.com';
const CLIENT = '11111111-2222-3333-4444-555555555555';

async function smtpAcceptingTokens(valid: string[]) {
  const s = await startServer({ onXOAuth2: (user, token) => user === 'jan@contoso.test' && valid.includes(token) });
  open.push(s);
  return s;
}

async function endpoint(reply: Parameters<typeof startTokenEndpoint>[0]) {
  const e = await startTokenEndpoint(reply);
  open.push(e);
  return e;
}

/** Save a Microsoft 365 profile with preset office365, pointed at local servers. */
async function office365(dir: string, authority: string, smtpPort: number, opts: { secret?: boolean } = { secret: true }) {
  const { caFile } = await testCerts();
  const args = ['--config-dir', dir, 'preset', 'office365', '--account-name', 'Comarch DMS', '--email', 'jan@contoso.test',
    '--tenant-id', TENANT, '--client-id', CLIENT, '--authority', authority, '--host', '127.0.0.1', '--port', String(smtpPort), '--ca-file', caFile];
  return run(opts.secret ? [...args, '--client-secret-stdin'] : args, { input: opts.secret ? SECRET + '\n' : undefined });
}

describe('Microsoft 365 OAuth2 (XOAUTH2)', () => {
  it('app-only: client credentials → bearer token in XOAUTH2 over STARTTLS; secret never printed', async () => {
    const tok = await endpoint(() => ({ status: 200, body: { token_type: 'Bearer', access_token: 'AT-app-1', expires_in: 3599 } }));
    const smtp = await smtpAcceptingTokens(['AT-app-1']);
    const dir = tempConfig();
    const saved = await office365(dir, tok.authority, smtp.port);
    expect(saved.code).toBe(0);
    const profile = JSON.parse(readFileSync(join(dir, 'profiles', 'default.json'), 'utf8'));
    expect(profile).toMatchObject({ auth: 'oauth2', encryption: 'starttls', login: 'jan@contoso.test', oauth2: { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET } });
    const show = await run(['--config-dir', dir, 'show']);
    expect(show.stdout).not.toContain(SECRET);
    const r = await run(['--config-dir', dir, 'test-send', '--to', 'anna@contoso.test', '-v']);
    expect(r.code).toBe(0);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.authAttempts).toEqual([expect.objectContaining({ method: 'XOAUTH2', username: 'jan@contoso.test', accessToken: 'AT-app-1' })]);
    expect(tok.requests).toHaveLength(1);
    expect(tok.requests[0]!.path).toBe(`/${TENANT}/oauth2/v2.0/token`);
    expect(tok.requests[0]!.form).toEqual({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: SECRET, scope: 'https://outlook.office365.com/.default' });
    for (const text of [r.stdout, r.stderr, show.stdout, saved.stdout, saved.stderr]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('AT-app-1');
    }
    expect(r.stderr).toMatch(/C: AUTH XOAUTH2 \*{8}/);
  });

  it('device code: pending, then signed in; the refresh token is saved and used, and a rotated one replaces it', async () => {
    let polls = 0;
    const tok = await endpoint((req) => {
      if (req.path.endsWith('/devicecode')) {
        return { status: 200, body: { device_code: 'DC-1', user_code: 'ABCD-EFGH', verification_uri: 'https://microsoft.com/devicelogin', expires_in: 900, interval: 0 } };
      }
      if (req.form.grant_type === 'urn:ietf:params:oauth:grant-type:device_code') {
        polls++;
        return polls < 2
          ? { status: 400, body: { error: 'authorization_pending', error_description: 'AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.' } }
          : { status: 200, body: { access_token: 'AT-user-0', refresh_token: 'RT-1', expires_in: 3600 } };
      }
      return { status: 200, body: { access_token: 'AT-user-1', refresh_token: 'RT-2', expires_in: 3600 } };
    });
    const smtp = await smtpAcceptingTokens(['AT-user-1']);
    const dir = tempConfig();
    const { caFile } = await testCerts();
    const login = await run(['--config-dir', dir, 'oauth', 'login', '--tenant-id', TENANT, '--client-id', CLIENT, '--authority', tok.authority, '--ca-file', caFile]);
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('open https://microsoft.com/devicelogin and enter the code ABCD-EFGH');
    expect(login.stdout).toContain('the refresh token is saved');
    expect(polls).toBe(2);
    const saved = await office365(dir, tok.authority, smtp.port, { secret: false });
    expect(saved.code).toBe(0);
    const r = await run(['--config-dir', dir, 'test-send', '--to', 'anna@contoso.test']);
    expect(r.code).toBe(0);
    const refresh = tok.requests.find((q) => q.form.grant_type === 'refresh_token')!;
    expect(refresh.form).toMatchObject({ client_id: CLIENT, refresh_token: 'RT-1', scope: 'https://outlook.office.com/SMTP.Send offline_access' });
    expect(JSON.parse(readFileSync(join(dir, 'profiles', 'default.json'), 'utf8')).oauth2.refreshToken).toBe('RT-2');
    for (const text of [login.stdout, login.stderr, r.stdout, r.stderr]) {
      expect(text).not.toMatch(/RT-1|RT-2|AT-user/);
    }
  });

  it('a token the server rejects is renewed once, and the send goes through', async () => {
    let n = 0;
    const tok = await endpoint(() => ({ status: 200, body: { access_token: `AT-${++n}`, expires_in: 3600 } }));
    const smtp = await smtpAcceptingTokens(['AT-2']);
    const dir = tempConfig();
    await office365(dir, tok.authority, smtp.port);
    const r = await run(['--config-dir', dir, 'test-send', '--to', 'anna@contoso.test']);
    expect(r.code).toBe(0);
    expect(tok.requests).toHaveLength(2);
    expect(smtp.authAttempts.map((a) => a.accessToken)).toEqual(['AT-1', 'AT-2']);
  });

  it('a token rejected twice is an authentication failure (77), not a loop', async () => {
    let n = 0;
    const tok = await endpoint(() => ({ status: 200, body: { access_token: `AT-${++n}`, expires_in: 3600 } }));
    const smtp = await smtpAcceptingTokens([]);
    const dir = tempConfig();
    await office365(dir, tok.authority, smtp.port);
    const r = await run(['--config-dir', dir, 'test-send', '--to', 'anna@contoso.test', '--json']);
    expect(r.code).toBe(77);
    expect(tok.requests).toHaveLength(2);
  });

  it.each([
    ['bad secret', 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' }, 77, 'refused the client secret', 'Certificates & secrets'],
    ['unknown tenant', 400, { error: 'invalid_request', error_description: "AADSTS90002: Tenant 'contoso.onmicrosoft.com' not found." }, 78, 'does not know the tenant', 'Directory (tenant) ID'],
    ['consent missing', 400, { error: 'invalid_grant', error_description: 'AADSTS65001: The user or administrator has not consented to use the application.' }, 77, 'no consent', 'SMTP.SendAsApp'],
    ['app not in tenant', 400, { error: 'unauthorized_client', error_description: 'AADSTS700016: Application not found in the directory.' }, 78, 'not registered in this tenant', 'Application (client) ID'],
  ])('token endpoint: %s → a sentence, a hint and the right exit code', async (_n, status, body, exit, sentence, hint) => {
    const tok = await endpoint(() => ({ status, body }));
    const smtp = await smtpAcceptingTokens([]);
    const dir = tempConfig();
    await office365(dir, tok.authority, smtp.port);
    const r = await run(['--config-dir', dir, 'test-send', '--to', 'anna@contoso.test', '--json']);
    expect(r.code).toBe(exit);
    const doc = JSON.parse(r.stdout);
    expect(doc.error.code).toBe('EOAUTH2');
    expect(doc.error.message).toContain(sentence);
    expect(doc.error.hint).toContain(hint);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(smtp.received).toHaveLength(0);
    expect(doc.status).toBe('deferred');
  });

  it('device code expired → 77 with "run oauth login again"', async () => {
    const tok = await endpoint((req) =>
      req.path.endsWith('/devicecode')
        ? { status: 200, body: { device_code: 'DC', user_code: 'X', verification_uri: 'https://microsoft.com/devicelogin', expires_in: 900, interval: 0 } }
        : { status: 400, body: { error: 'expired_token', error_description: 'AADSTS70019: The code has expired.' } },
    );
    const { caFile } = await testCerts();
    const r = await run(['--config-dir', tempConfig(), 'oauth', 'login', '--tenant-id', TENANT, '--client-id', CLIENT, '--authority', tok.authority, '--ca-file', caFile]);
    expect(r.code).toBe(77);
    expect(r.stderr).toContain('The sign-in code expired');
    expect(r.stderr).toContain('mailcfg oauth login');
  });

  it('an unreachable sign-in service → 69', async () => {
    const dir = tempConfig();
    const smtp = await smtpAcceptingTokens([]);
    await office365(dir, 'https://127.0.0.1:1', smtp.port);
    const r = await run(['--config-dir', dir, 'test-send', '--to', 'anna@contoso.test']);
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('cannot be reached (ECONNREFUSED)');
  });

  it('SMTP 535 5.7.139 / 550 5.7.30 from Microsoft are explained (see the diagnostics table tests); Google OAuth2 is refused', async () => {
    const r = await run(['--config-dir', tempConfig(), 'oauth', 'login', '--tenant-id', 't', '--client-id', 'c', '--email', 'annanowa@gmail.com']);
    expect(r.code).toBe(64); // --email is not an option of oauth login
    const g = await run(['--config-dir', tempConfig(), 'init', '--yes', '--account-name', 'A', '--email', 'annanowa@gmail.com', '--host', 'smtp.gmail.com', '--port', '465', '--auth', 'oauth2', '--tenant-id', 't', '--client-id', 'c', '--client-secret-stdin'], { input: 'x\n' });
    expect(g.code).toBe(78);
    expect(g.stderr).toContain('Google accounts with OAuth2 are not supported');
  });
});
