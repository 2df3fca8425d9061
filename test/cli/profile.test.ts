import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { BIN, run, tempConfig } from '../helpers/cli.js';

const JAN = ['--account-name', 'Comarch DMS', '--email', 'jankowalski@wp.pl', '--display-name', 'Comarch DMS – powiadomienia',
  '--reply-to', 'jankowalski@wp.pl', '--description', 'Konto do wysyłania powiadomień Comarch DMS'];

function profile(dir: string, name = 'default') {
  return JSON.parse(readFileSync(join(dir, 'profiles', `${name}.json`), 'utf8'));
}

describe('--help', () => {
  it.each([['en', 'Usage:'], ['pl', 'Użycie:']])('exits 0 with empty stderr (%s)', async (lang, title) => {
    const r = await run(['--help'], { env: { MAILCFG_LANG: lang } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(title);
    expect(r.stdout).toContain('test-send');
  });

  it('every command has help in Polish, commander\'s own words included', async () => {
    for (const cmd of [[], ['init'], ['preset'], ['verify'], ['test-send'], ['queue'], ['queue', 'flush'], ['oauth'], ['sandbox'], ['detect']]) {
      const r = await run([...cmd, '--help', '--lang', 'pl']);
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stderr, cmd.join(' ')).toBe('');
      expect(r.stdout, cmd.join(' ')).toMatch(/^Użycie: mailcfg.* \[opcje\]/);
      expect(r.stdout, cmd.join(' ')).toMatch(/Opcje:/);
      expect(r.stdout, cmd.join(' ')).not.toMatch(/\[options\]|\[command\]|display help|Usage:/);
    }
  });

  it('a reader that goes away early (| head -1) ends the output quietly', async () => {
    const child = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.destroy(); // closed before the first line is written
    const code = await new Promise((r) => child.on('close', r));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('unknown commands and options are usage errors (64)', async () => {
    const a = await run(['frobnicate']);
    expect(a.code).toBe(64);
    const b = await run(['show', '--frobnicate']);
    expect(b.code).toBe(64);
    expect(b.stderr).toMatch(/unknown option '--frobnicate'/);
    expect(b.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a mistyped subcommand is named with a suggestion, not taken as an argument of the default one', async () => {
    const q = await run(['queue', 'flsh']);
    expect(q.code).toBe(64);
    expect(q.stderr).toContain("unknown command 'queue flsh'. Did you mean queue flush?");
    expect(q.stderr).toContain('See "mailcfg queue --help".');
    const pl = await run(['--lang', 'pl', 'test-sned', '--to', 'jan@example.com']);
    expect(pl.code).toBe(64);
    expect(pl.stderr).toContain('nieznane polecenie „test-sned”. Czy chodziło o test-send?');
    const opt = await run(['--lang', 'pl', 'test-send', '--tp', 'jan@example.com']);
    expect(opt.stderr).toContain('nieznana opcja „--tp”. Czy chodziło o --to?');
    expect(opt.stderr).toContain('Zob. „mailcfg test-send --help”.');
  });

  it('a password given on the command line is refused without being repeated, with the ways that are safe', async () => {
    for (const args of [['preset', 'wp', '--password=Canary-7c1d'], ['preset', 'wp', '--password', 'Canary-7c1d']]) {
      const r = await run(['--json', ...args]);
      expect(r.code).toBe(64);
      expect(r.stdout + r.stderr).not.toContain('Canary-7c1d');
      expect(r.stderr).toContain("unknown option '--password'.");
      const doc = JSON.parse(r.stdout);
      expect(doc.error).toMatchObject({ code: 'EUSAGE', message: "unknown option '--password'." });
      expect(doc.error.hint).toContain('--password-stdin');
      expect(doc.error.hint).toContain('MAILCFG_PASSWORD');
    }
  });

  it('missing arguments and option values are one translated sentence', async () => {
    const a = await run(['--lang', 'pl', 'set', 'host']);
    expect(a.code).toBe(64);
    expect(a.stderr).toBe('mailcfg: brak wymaganego argumentu „value”.\nWskazówka: Zob. „mailcfg set --help”.\n');
    const b = await run(['test-send', '--to']);
    expect(b.code).toBe(64);
    expect(b.stderr).toContain("option '--to <address>' needs a value.");
  });
});

describe('preset list', () => {
  it('prints the four presets in aligned columns, and as JSON', async () => {
    const r = await run(['preset', 'list']);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^ {2}(wp|onet|gmail|office365) /.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/)[0])).toEqual(['wp', 'onet', 'gmail', 'office365']);
    for (const column of ['smtp.', 'auto', 'login =']) {
      const at = new Set(rows.filter((l) => l.includes(column)).map((l) => l.indexOf(column)));
      expect(at.size, column).toBe(1);
    }
    expect(rows[0]).toMatch(/smtp\.wp\.pl:587 +auto +password +login = local part of the address +\(Poczta WP\)/);
    const json = JSON.parse((await run(['preset', 'list', '--json'])).stdout);
    expect(json.map((p: { id: string; host: string; port: number }) => `${p.id} ${p.host}:${p.port}`)).toEqual([
      'wp smtp.wp.pl:587', 'onet smtp.poczta.onet.pl:465', 'gmail smtp.gmail.com:465', 'office365 smtp.office365.com:587',
    ]);
  });
});

describe('the three documented accounts, with flags', () => {
  const cases = [
    { preset: 'wp', email: 'jankowalski@wp.pl', password: 'Konwalia369!', host: 'smtp.wp.pl', port: 587, login: 'jankowalski' },
    { preset: 'onet', email: 'annanowak@op.pl', password: 'Pierwiosnek479%', host: 'smtp.poczta.onet.pl', port: 465, login: 'annanowak@op.pl' },
    { preset: 'gmail', email: 'annanowa@gmail.com', password: 'pvli anpr lvvr nrrn', host: 'smtp.gmail.com', port: 465, login: 'annanowa@gmail.com' },
  ];
  it.each(cases)('preset $preset saves exactly the documented fields', async (c) => {
    const dir = tempConfig();
    const args = ['--config-dir', dir, 'preset', c.preset, ...JAN.slice(0, 2), '--email', c.email, ...JAN.slice(4, 6), '--reply-to', c.email,
      '--description', 'Konto do wysyłania powiadomień Comarch DMS', '--password-stdin'];
    const r = await run(args, { input: c.password + '\n' });
    expect(r.stderr).not.toMatch(/mailcfg: /);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Settings saved');
    expect(profile(dir)).toEqual({
      enabled: true, accountName: 'Comarch DMS', email: c.email, displayName: 'Comarch DMS – powiadomienia', replyTo: c.email,
      description: 'Konto do wysyłania powiadomień Comarch DMS', serverType: 'SMTP', host: c.host, port: c.port, encryption: 'auto',
      auth: 'password', login: c.login, password: c.password.replace(/ /g, ''),
    });
    expect(statSync(join(dir, 'profiles', 'default.json')).mode & 0o777).toBe(0o600);
  });

  it('says "Zapisano ustawienia" in Polish and init takes plain flags', async () => {
    const dir = tempConfig();
    const r = await run(['--config-dir', dir, '--lang', 'pl', 'init', ...JAN, '--host', 'smtp.wp.pl', '--port', '587', '--login', 'jankowalski', '--password-stdin'], { input: 'Konwalia369!\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Zapisano ustawienia');
    expect(profile(dir).login).toBe('jankowalski');
  });

  it('env MAILCFG_* fills fields; flags win over env; MAILCFG_PASSWORD is never saved', async () => {
    const dir = tempConfig();
    const r = await run(['--config-dir', dir, 'init', '--host', 'smtp.wp.pl'], {
      env: { MAILCFG_ACCOUNT_NAME: 'Comarch DMS', MAILCFG_EMAIL: 'jankowalski@wp.pl', MAILCFG_HOST: 'smtp.example.pl', MAILCFG_PORT: '465', MAILCFG_LOGIN: 'jankowalski', MAILCFG_PASSWORD: 'Konwalia369!' },
    });
    expect(r.code).toBe(78); // the password is missing from what would be saved
    expect(r.stderr).toContain('password');
    const ok = await run(['--config-dir', dir, 'init', '--host', 'smtp.wp.pl', '--password-stdin'], {
      input: 'Konwalia369!\n',
      env: { MAILCFG_ACCOUNT_NAME: 'Comarch DMS', MAILCFG_EMAIL: 'jankowalski@wp.pl', MAILCFG_HOST: 'smtp.example.pl', MAILCFG_PORT: '465', MAILCFG_LOGIN: 'jankowalski' },
    });
    expect(ok.code).toBe(0);
    expect(profile(dir)).toMatchObject({ host: 'smtp.wp.pl', port: 465, accountName: 'Comarch DMS' });
  });
});

describe('non-interactive mode never prompts', () => {
  it('init with no TTY and nothing given fails at once with 78 and the missing fields', async () => {
    const dir = tempConfig();
    const r = await run(['--config-dir', dir, 'init'], { timeoutMs: 10_000 });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('missing: accountName, email, host, port, login, password');
    expect(r.stderr).toContain('--account-name');
  });

  it('preset wp in CI lists only what is still missing', async () => {
    const r = await run(['--config-dir', tempConfig(), 'preset', 'wp', '--email', 'jankowalski@wp.pl'], { env: { CI: 'true' } });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('missing: accountName, password');
  });

  it('in Polish too', async () => {
    const r = await run(['--config-dir', tempConfig(), '--lang', 'pl', 'init', '--yes']);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('Konfiguracja jest niepełna; brakuje:');
  });
});

describe('bad values: one clear sentence and exit 65', () => {
  it.each([
    [['--port', '70000'], /^mailcfg: Invalid value for --port: must be a whole number from 1 to 65535, not 70000\.$/m],
    [['--port', 'abc'], /not abc/],
    [['--encryption', 'tls'], /did you mean ssl .* or starttls/],
    [['--encryption', 'quantum'], /must be one of none, ssl, starttls, auto/],
    [['--email', 'jan@'], /not a valid e-mail address: jan@/],
    [['--host', 'smtp wp pl'], /not a valid host name/],
    [['--account-name', 'DMS\r\nBcc: x@y.pl'], /line breaks or NUL/],
    [['--auth', 'kerberos'], /must be one of password, oauth2, none/],
  ])('init %j', async (flags, re) => {
    const dir = tempConfig();
    const r = await run(['--config-dir', dir, 'init', ...flags]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(() => statSync(join(dir, 'profiles', 'default.json'))).toThrow();
  });

  it('Polish sentences for Polish users', async () => {
    const r = await run(['--config-dir', tempConfig(), '--lang', 'pl', 'init', '--encryption', 'tls']);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('chodziło o ssl');
  });

  it('Gmail with OAuth2 is refused with 78 and the app-password steps', async () => {
    const r = await run(['--config-dir', tempConfig(), 'preset', 'gmail', '--auth', 'oauth2', '--email', 'annanowa@gmail.com', '--account-name', 'X', '--tenant-id', 't', '--client-id', 'c', '--client-secret-stdin'], { input: 's\n' });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('Google accounts with OAuth2 are not supported');
    expect(r.stderr).toContain('App passwords');
  });

  it('unknown preset → 65 with the list', async () => {
    const r = await run(['--config-dir', tempConfig(), 'preset', 'yahooo']);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('wp, onet, gmail, office365');
  });
});

describe('show, set, get, export, import, reset, path', () => {
  async function jan(dir: string) {
    const r = await run(['--config-dir', dir, 'preset', 'wp', ...JAN, '--password-stdin'], { input: 'Konwalia369!\n' });
    expect(r.code).toBe(0);
  }

  it('show masks the password; --reveal shows it; --json is one document with passwordSet', async () => {
    const dir = tempConfig();
    await jan(dir);
    const s = await run(['--config-dir', dir, 'show']);
    expect(s.code).toBe(0);
    expect(s.stdout).not.toContain('Konwalia369!');
    expect(s.stdout).toMatch(/Password\s+\*+ \(set\)/);
    const j = await run(['--config-dir', dir, 'show', '--json']);
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ host: 'smtp.wp.pl', login: 'jankowalski', passwordSet: true });
    expect(doc.password).toBeUndefined();
    expect(j.stdout).not.toContain('Konwalia369!');
    const rev = await run(['--config-dir', dir, 'show', '--json', '--reveal']);
    expect(JSON.parse(rev.stdout).password).toBe('Konwalia369!');
  });

  it('set validates, get prints, set refuses the password in argv', async () => {
    const dir = tempConfig();
    await jan(dir);
    expect((await run(['--config-dir', dir, 'set', 'port', '465'])).code).toBe(0);
    expect((await run(['--config-dir', dir, 'get', 'port'])).stdout.trim()).toBe('465');
    const bad = await run(['--config-dir', dir, 'set', 'port', '0']);
    expect(bad.code).toBe(65);
    expect((await run(['--config-dir', dir, 'get', 'port'])).stdout.trim()).toBe('465');
    expect((await run(['--config-dir', dir, 'set', 'tls.caFile', '/etc/ssl/ca.pem'])).code).toBe(0);
    expect(profile(dir).tls).toEqual({ caFile: '/etc/ssl/ca.pem' });
    expect((await run(['--config-dir', dir, 'set', 'password', 'x'])).code).toBe(64);
    expect((await run(['--config-dir', dir, 'set', 'colour', 'x'])).code).toBe(65);
    expect((await run(['--config-dir', dir, 'get', 'password'])).stdout).not.toContain('Konwalia');
    const warn = await run(['--config-dir', dir, 'set', 'port', '2525']);
    expect(warn.stderr).toContain('not one of the usual open ports 25, 465, 587');
    // the warning comes with the change that causes it, not with every later change
    expect((await run(['--config-dir', dir, 'set', 'description', 'Powiadomienia'])).stderr).toBe('');
    expect((await run(['--config-dir', dir, 'set', 'port', '2526'])).stderr).toContain('Port 2526 is not one of the usual');
    const tls = await run(['--config-dir', dir, 'set', 'encryption', 'tls']);
    expect(tls.code).toBe(65);
    expect(tls.stderr).toBe('mailcfg: Invalid value for encryption: "tls" is ambiguous: did you mean ssl (TLS from the first byte, port 465) or starttls (upgrade, port 587)?\n');
    const pw = await run(['--config-dir', dir, 'set', 'password', 'Canary-x1']);
    expect(pw.stderr).not.toContain('Canary-x1');
    expect(pw.stderr).toContain('--password-stdin');
  });

  it('export hides secrets unless asked; import validates before writing and keeps the saved password', async () => {
    const dir = tempConfig();
    await jan(dir);
    const ex = await run(['--config-dir', dir, 'export']);
    expect(ex.stdout).not.toContain('Konwalia');
    const data = JSON.parse(ex.stdout);
    data.host = 'smtp.example.pl';
    const file = join(dir, 'in.json');
    writeFileSync(file, JSON.stringify(data));
    expect((await run(['--config-dir', dir, 'import', file])).code).toBe(0);
    expect(profile(dir)).toMatchObject({ host: 'smtp.example.pl', password: 'Konwalia369!' });
    const before = readFileSync(join(dir, 'profiles', 'default.json'), 'utf8');
    const bad = await run(['--config-dir', dir, 'import', '-'], { input: JSON.stringify({ ...data, port: 'x', email: 'nope' }) });
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('Port (port)');
    expect(bad.stderr).toContain('Email (outgoing) (email)');
    const broken = await run(['--config-dir', dir, 'import', '-'], { input: '{"host":' });
    expect(broken.code).toBe(65);
    expect(readFileSync(join(dir, 'profiles', 'default.json'), 'utf8')).toBe(before);
    const withSecrets = await run(['--config-dir', dir, 'export', '--with-secrets']);
    expect(JSON.parse(withSecrets.stdout).password).toBe('Konwalia369!');
  });

  it.each([
    [['--timeout', 'abc', 'verify'], 'mailcfg: Invalid value for --timeout: must be a number of seconds above 0 and at most 3600, not "abc".'],
    [['--lang', 'pl', '--profile', '../x', 'show'], 'mailcfg: Niepoprawna wartość --profile: musi mieć od 1 do 64 liter, cyfr, „.”, „_” lub „-” i zaczynać się literą lub cyfrą, a nie "../x".'],
    [['sandbox', '--port', '99999'], 'mailcfg: Invalid value for --port: must be 0 (any free port) or a whole number from 1 to 65535, not "99999".'],
    [['detect', 'nie-adres'], 'mailcfg: Invalid value for <email>: is not a valid e-mail address: "nie-adres".'],
  ])('a bad option value (%j) is one sentence with the rule, exit 65', async (args, sentence) => {
    const r = await run(['--config-dir', tempConfig(), ...args]);
    expect(r.code).toBe(65);
    expect(r.stderr).toBe(sentence + '\n');
  });

  it('a config directory that cannot be used → 74, the reason in words, in both languages', async () => {
    const file = join(tempConfig(), 'not-a-dir');
    writeFileSync(file, '');
    const en = await run(['--config-dir', file, 'show']);
    expect(en.code).toBe(74);
    expect(en.stderr).toContain(`mailcfg: Cannot read ${file}/profiles/default.json: a part of the path is not a directory (ENOTDIR).`);
    expect(en.stderr).toContain('choose another with --config-dir');
    const pl = await run(['--config-dir', file, '--lang', 'pl', 'preset', 'wp', '--account-name', 'Comarch DMS', '--email', 'jankowalski@wp.pl', '--password-stdin'], { input: 'Konwalia369!\n' });
    expect(pl.code).toBe(74);
    expect(pl.stderr).toContain(`mailcfg: Nie można odczytać ${file}/profiles/default.json: część ścieżki nie jest katalogiem (ENOTDIR).`);
  });

  it('a corrupt profile → 74 with its path, never overwritten', async () => {
    const dir = tempConfig();
    mkdirSync(join(dir, 'profiles'), { recursive: true });
    const file = join(dir, 'profiles', 'default.json');
    writeFileSync(file, '{"host": "smtp.wp.pl", oops');
    for (const args of [['show'], ['set', 'port', '587'], ['init', '--yes'], ['preset', 'wp']]) {
      const r = await run(['--config-dir', dir, ...args]);
      expect(r.code, args.join(' ')).toBe(74);
      expect(r.stderr).toContain(file);
    }
    expect(readFileSync(file, 'utf8')).toBe('{"host": "smtp.wp.pl", oops');
    const j = await run(['--config-dir', dir, 'show', '--json']);
    expect(JSON.parse(j.stdout).error.code).toBe('ECORRUPT');
  });

  it('a broken JSON file is located by line and column, and no piece of it (a password) is repeated', async () => {
    const dir = tempConfig();
    mkdirSync(join(dir, 'profiles'), { recursive: true });
    const file = join(dir, 'profiles', 'default.json');
    // V8's own message for this one quotes the text around the error: the password
    writeFileSync(file, '{"host": "smtp.wp.pl",\n "password": Canary-Konwalia}');
    const r = await run(['--config-dir', dir, 'show']);
    expect(r.code).toBe(74);
    expect(r.stderr).toBe(`mailcfg: The file ${file} is not valid JSON (syntax error); it was left untouched.\nHint: Fix or move the file away, then run "mailcfg init" again.\n`);
    const cases: Array<[string, string, string]> = [
      ['{"password": "Canary-Konwalia", ', 'en', 'Standard input is not valid JSON (it ends too early). Nothing was written.'],
      ['{"password": "Canary-Konwalia" x}', 'en', 'Standard input is not valid JSON (syntax error at line 1, column 32). Nothing was written.'],
      ['{\n"password": Canary-Konwalia}', 'pl', 'Standardowe wejście nie zawiera poprawnego JSON-a (błąd składni). Nic nie zapisano.'],
      ['{\n  "password": "Canary-Konwalia",\n}', 'pl', 'Standardowe wejście nie zawiera poprawnego JSON-a (błąd składni w wierszu 3, kolumnie 1). Nic nie zapisano.'],
    ];
    for (const [input, lang, sentence] of cases) {
      const imp = await run(['--config-dir', dir, '--lang', lang, '--profile', 'other', 'import', '-'], { input });
      expect(imp.code).toBe(65);
      expect(imp.stderr).toBe(`mailcfg: ${sentence}\n`);
    }
  });

  it('profiles are separate; reset needs --yes without a terminal', async () => {
    const dir = tempConfig();
    await jan(dir);
    const other = await run(['--config-dir', dir, '--profile', 'onet', 'show', '--json']);
    expect(JSON.parse(other.stdout).exists).toBe(false);
    expect((await run(['--config-dir', dir, 'reset'])).code).toBe(64);
    const r = await run(['--config-dir', dir, 'reset', '--yes']);
    expect(r.code).toBe(0);
    expect(JSON.parse((await run(['--config-dir', dir, 'show', '--json'])).stdout).exists).toBe(false);
  });

  it('path and MAILCFG_CONFIG_DIR / XDG_CONFIG_HOME', async () => {
    const dir = tempConfig();
    const a = JSON.parse((await run(['path', '--json'], { env: { MAILCFG_CONFIG_DIR: dir, MAILCFG_PROFILE: 'p1' } })).stdout);
    expect(a).toMatchObject({ configDir: dir, profile: 'p1', profileFile: join(dir, 'profiles', 'p1.json') });
    const b = JSON.parse((await run(['path', '--json'], { env: { XDG_CONFIG_HOME: dir } })).stdout);
    expect(b.configDir).toBe(join(dir, 'mailcfg'));
  });
});
