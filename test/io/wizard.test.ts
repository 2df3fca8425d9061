import { screen } from '@inquirer/testing/vitest';
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli.js';
import { tempConfig } from '../helpers/cli.js';
import { JAN_KOWALSKI, savedProfile } from '../helpers/fixtures.js';
import { startServer, testCerts } from '../helpers/smtp.js';
import { startTokenEndpoint } from '../helpers/token-endpoint.js';

/** Runs the real CLI entry with a terminal on stdin (prompts are driven through @inquirer/testing's screen). */
function start(args: string[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const done = main({ argv: ['node', 'mailcfg', ...args], env: { LANG: 'C', ...env }, stdin, stdout, stderr });
  return { done, out: () => out, err: () => err };
}

/** Wait until the screen shows `re` (prompts appear asynchronously: lazy imports, validation). */
async function see(re: RegExp | string) {
  const ok = () => (typeof re === 'string' ? screen.getScreen().includes(re) : re.test(screen.getScreen()));
  for (let i = 0; i < 150 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(screen.getScreen()).toMatch(re);
}

async function answer(text: string | null, expectPrompt: RegExp) {
  await see(expectPrompt);
  if (text) screen.type(text);
  screen.keypress('enter');
  await new Promise((r) => setTimeout(r, 10));
}

describe('init wizard (real prompts, scripted keys)', () => {
  it('Jan Kowalski fills every field in the documented order, in Polish', async () => {
    const dir = tempConfig();
    const run = start(['--config-dir', dir, '--lang', 'pl', 'init']);
    await answer(null, /Włącz wysyłanie wiadomości email/);
    await answer('Comarch DMS', /Nazwa konta/);
    await answer('jankowalski@wp.pl', /Email \(wychodzący\)/);
    await answer('Comarch DMS – powiadomienia', /Nazwa wyświetlana/);
    await answer('jankowalski@wp.pl', /Adres zwrotny/);
    await answer('Konto do wysyłania powiadomień Comarch DMS', /Opis/);
    await answer('smtp.wp.pl', /Nazwa serwera/);
    await see(/Port[\s\S]*587[\s\S]*465[\s\S]*25[\s\S]*inny/);
    expect(screen.getScreen()).toMatch(/↑↓ wybór • ⏎ zatwierdź/); // inquirer's key help, in Polish too
    await answer(null, /Port/);
    await see('automatyczne — SSL/TLS na 465, STARTTLS na innych');
    await answer(null, /Metoda szyfrowania/);
    await answer(null, /Metoda uwierzytelniania/);
    await see(/Login.*jankowalski/); // WP rule: the part before @
    await answer(null, /Login/);
    await see(/Hasło/);
    expect(screen.getScreen()).toContain('ctrl+t pokaż/ukryj');
    screen.type('Konwalia369!');
    expect(screen.getScreen()).not.toContain('Konwalia369!');
    screen.keypress('enter');
    await answer(null, /Zapisać te ustawienia\?/);
    expect(run.err()).toMatch(/Podsumowanie[\s\S]*Nazwa serwera\s+smtp\.wp\.pl/);
    await answer(null, /Wysłać teraz testową wiadomość email\?/);
    expect(await run.done).toBe(0);
    expect(run.out()).toContain('Zapisano ustawienia');
    expect(await savedProfile(dir)).toEqual(JAN_KOWALSKI);
  });

  it('validates inline: a bad address and an out-of-range port are explained, then accepted when fixed', async () => {
    const dir = tempConfig();
    const run = start(['--config-dir', dir, 'init', '--account-name', 'Comarch DMS', '--host', 'smtp.gmail.com']);
    await answer(null, /Enable sending e-mail/);
    await answer(null, /Account name.*Comarch DMS/);
    screen.type('annanowa@');
    screen.keypress('enter');
    await see('is not a valid e-mail address: annanowa@');
    screen.type('gmail.com');
    screen.keypress('enter');
    await answer('Comarch DMS – powiadomienia', /Display name/);
    await answer('', /Reply-to address/);
    await answer('', /Description/);
    await answer(null, /Server name.*smtp\.gmail\.com/);
    await see(/Port/);
    screen.keypress('down');
    screen.keypress('down');
    screen.keypress('down'); // other…
    await answer(null, /Port/);
    screen.type('70000');
    screen.keypress('enter');
    await see('must be a whole number from 1 to 65535, not 70000');
    for (let i = 0; i < 5; i++) screen.keypress('backspace');
    screen.type('465');
    screen.keypress('enter');
    await answer(null, /Encryption method/);
    await see(/Authentication method/);
    expect(screen.getScreen()).not.toContain('OAuth2 (Microsoft 365)'); // Google: no OAuth2 offered
    await answer(null, /Authentication method/);
    await answer(null, /Login.*annanowa@gmail\.com/);
    await see(/Password/);
    screen.type('Lawenda458!');
    screen.keypress('enter');
    await see('16-letter app password');
    for (let i = 0; i < 11; i++) screen.keypress('backspace');
    screen.type('pvli anpr lvvr nrrn');
    screen.keypress('enter');
    await answer(null, /Save these settings\?/);
    await answer(null, /Send a test message now\?/);
    expect(await run.done).toBe(0);
    expect(run.err()).toContain('Google OAuth2 is not supported');
    const saved = JSON.parse(readFileSync(join(dir, 'profiles', 'default.json'), 'utf8'));
    expect(saved).toMatchObject({ email: 'annanowa@gmail.com', port: 465, login: 'annanowa@gmail.com', password: 'pvlianprlvvrnrrn' });
    expect(saved.replyTo).toBeUndefined();
  });

  it('proposes the server from the address (built-in catalogue) as defaults', async () => {
    const dir = tempConfig();
    const run = start(['--config-dir', dir, 'init', '--account-name', 'Comarch DMS']);
    await answer(null, /Enable sending e-mail/);
    await answer(null, /Account name/);
    await answer('anna@o2.pl', /Email \(outgoing\)/);
    await answer('', /Display name/);
    await answer('', /Reply-to address/);
    await answer('', /Description/);
    await see(/Server name.*poczta\.o2\.pl/);
    expect(run.err()).toContain('Proposed from built-in catalogue (ISPDB o2.pl): poczta.o2.pl:465, ssl, login anna.');
    await answer(null, /Server name/);
    await answer(null, /Port/);
    await answer(null, /Encryption method/);
    await answer(null, /Authentication method/);
    await answer(null, /Login.*anna/);
    await answer('tajne', /Password/);
    await answer(null, /Save these settings\?/);
    await answer(null, /Send a test message now\?/);
    expect(await run.done).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'profiles', 'default.json'), 'utf8'))).toMatchObject({
      host: 'poczta.o2.pl', port: 465, encryption: 'ssl', login: 'anna', email: 'anna@o2.pl',
    });
  });

  it('preset asks only what is missing', async () => {
    const dir = tempConfig();
    const run = start(['--config-dir', dir, 'preset', 'onet', '--account-name', 'Comarch DMS']);
    await answer('annanowak@op.pl', /Email \(outgoing\)/);
    await answer(null, /Login.*annanowak@op\.pl/);
    await answer('Pierwiosnek479%', /Password/);
    await answer(null, /Save these settings\?/);
    await answer(null, /Send a test message now\?/);
    expect(await run.done).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'profiles', 'default.json'), 'utf8'))).toMatchObject({
      host: 'smtp.poczta.onet.pl', port: 465, login: 'annanowak@op.pl', password: 'Pierwiosnek479%',
    });
  });

  it('Ctrl-C → exit 130 and nothing written', async () => {
    const dir = tempConfig();
    const run = start(['--config-dir', dir, 'init']);
    await answer(null, /Enable sending e-mail/);
    await see(/Account name/);
    screen.type('Comarch');
    screen.keypress({ name: 'c', ctrl: true });
    expect(await run.done).toBe(130);
    expect(run.err()).toContain('Interrupted; nothing was saved.');
    expect(existsSync(join(dir, 'profiles'))).toBe(false);
  });

  it('answering "no" to the summary saves nothing', async () => {
    const dir = tempConfig();
    const run = start(['--config-dir', dir, 'preset', 'wp', '--account-name', 'A', '--email', 'jankowalski@wp.pl']);
    await answer('Konwalia369!', /Password/);
    await see(/Save these settings\?/);
    screen.type('n');
    await answer(null, /Save these settings\?/);
    expect(await run.done).toBe(0);
    expect(run.out()).toContain('Not saved.');
    expect(existsSync(join(dir, 'profiles', 'default.json'))).toBe(false);
  });

  it('after saving, "yes" to the test message sends it to the address given, through the saved account', async () => {
    const smtp = await startServer({ user: 'jankowalski', password: 'Konwalia369!' });
    try {
      const dir = tempConfig();
      const { caFile } = await testCerts();
      const run = start(['--config-dir', dir, '--lang', 'pl', 'preset', 'wp', '--account-name', 'Comarch DMS', '--email', 'jankowalski@wp.pl',
        '--display-name', 'Comarch DMS – powiadomienia', '--host', '127.0.0.1', '--port', String(smtp.port), '--ca-file', caFile]);
      await answer('Konwalia369!', /Hasło/);
      await answer(null, /Zapisać te ustawienia\?/);
      await see(/Wysłać teraz testową wiadomość email\? \(t\/N\)/);
      screen.type('t');
      await answer(null, /Wysłać teraz testową wiadomość email\?/);
      await answer('annanowak@op.pl', /Adres email odbiorcy/); // "t" is "tak"; y works too
      expect(await run.done).toBe(0);
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]!.to).toEqual(['annanowak@op.pl']);
      expect(smtp.received[0]!.raw.toString()).toMatch(/^From: =\?UTF-8\?Q\?Comarch_DMS_=E2=80=93_powiadomienia\?= <jankowalski@wp\.pl>$/m);
      expect(run.out()).toMatch(/Wiadomość \S+ wysłana/);
    } finally {
      await smtp.close();
    }
  });

  describe('preset office365', () => {
    const TENANT = 'contoso.onmicrosoft.com';
    const CLIENT = '11111111-2222-3333-4444-555555555555';

    async function office365(lang: string, authority: string) {
      const dir = tempConfig();
      const { caFile } = await testCerts();
      const run = start(['--config-dir', dir, '--lang', lang, 'preset', 'office365', '--account-name', 'Comarch DMS', '--authority', authority, '--ca-file', caFile]);
      return { dir, run };
    }

    it('as an application: tenant, client and a masked client secret', async () => {
      const { dir, run } = await office365('en', 'https://127.0.0.1:9');
      await answer('jan@contoso.test', /Email \(outgoing\)/);
      await answer(null, /Login.*jan@contoso\.test/);
      await answer(TENANT, /Tenant ID/);
      await answer(CLIENT, /Application \(client\) ID/);
      await see('as an application, with a client secret');
      await answer(null, /How does mailcfg sign in to Microsoft 365\?/);
      await see(/Client secret/);
      screen.type('Client~Secret~Canary');
      expect(screen.getScreen()).not.toContain('Client~Secret~Canary');
      screen.keypress('enter');
      await answer(null, /Save these settings\?/);
      await answer(null, /Send a test message now\?/);
      expect(await run.done).toBe(0);
      expect(run.out() + run.err()).not.toContain('Client~Secret~Canary');
      expect(JSON.parse(readFileSync(join(dir, 'profiles', 'default.json'), 'utf8'))).toMatchObject({
        host: 'smtp.office365.com', port: 587, encryption: 'starttls', auth: 'oauth2', login: 'jan@contoso.test',
        oauth2: { tenantId: TENANT, clientId: CLIENT, clientSecret: 'Client~Secret~Canary' },
      });
    });

    it('as a person, in Polish: after the summary the device code is shown, and the refresh token is saved', async () => {
      let polls = 0;
      const tok = await startTokenEndpoint((req) => {
        if (req.path.endsWith('/devicecode')) {
          return { status: 200, body: { device_code: 'DC-1', user_code: 'WXYZ-1234', verification_uri: 'https://microsoft.com/devicelogin', expires_in: 900, interval: 0 } };
        }
        polls++;
        return polls < 2
          ? { status: 400, body: { error: 'authorization_pending', error_description: 'AADSTS70016: Authorization is pending.' } }
          : { status: 200, body: { access_token: 'AT-canary', refresh_token: 'RT-canary', expires_in: 3600 } };
      });
      try {
        const { dir, run } = await office365('pl', tok.authority);
        await answer('jan@contoso.test', /Email \(wychodzący\)/);
        await answer(null, /Login.*jan@contoso\.test/);
        await answer(TENANT, /Identyfikator dzierżawy/);
        await answer(CLIENT, /Identyfikator aplikacji/);
        await see(/Jak mailcfg ma logować się do Microsoft 365\?/);
        screen.keypress('down');
        await answer(null, /jako osoba, w przeglądarce kodem/);
        await answer(null, /Zapisać te ustawienia\?/);
        await answer(null, /Wysłać teraz testową wiadomość email\?/);
        expect(await run.done).toBe(0);
        expect(run.err()).toContain('otwórz https://microsoft.com/devicelogin i wpisz kod WXYZ-1234');
        expect(run.out()).toContain('Zapisano ustawienia');
        expect(polls).toBe(2);
        const saved = JSON.parse(readFileSync(join(dir, 'profiles', 'default.json'), 'utf8'));
        expect(saved).toMatchObject({ auth: 'oauth2', oauth2: { tenantId: TENANT, clientId: CLIENT, refreshToken: 'RT-canary' } });
        expect(saved.oauth2.clientSecret).toBeUndefined();
        expect(run.out() + run.err()).not.toMatch(/RT-canary|AT-canary/);
      } finally {
        await tok.close();
      }
    });
  });
});
