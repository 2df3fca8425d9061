import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type IPty } from 'node-pty';
import { BIN, cleanEnv, tempConfig } from '../helpers/cli.js';
import { JAN_KOWALSKI, savedProfile } from '../helpers/fixtures.js';
import { serverPool, testCerts } from '../helpers/smtp.js';

const server = serverPool(afterEach);

/** A real pseudo-terminal running the built CLI, answered the way a person types. */
class Terminal {
  private buffer = '';
  private all = '';
  private exited: Promise<number>;
  constructor(private pty: IPty) {
    pty.onData((d) => {
      this.buffer += d;
      this.all += d;
    });
    this.exited = new Promise((r) => pty.onExit((e) => r(e.exitCode)));
  }
  get text() {
    return this.buffer.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  }
  /** Everything the terminal showed since the start. */
  get transcript() {
    return this.all.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  }
  async waitFor(re: RegExp, timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      if (re.test(this.text)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${re}; screen:\n${this.text.slice(-2000)}`);
  }
  /** Wait for a prompt, then type an answer and Enter. */
  async answer(prompt: RegExp, text = '') {
    await this.waitFor(prompt);
    this.buffer = '';
    this.pty.write(text + '\r');
  }
  exit() {
    return this.exited;
  }
}

describe('init in a real terminal (built CLI, node-pty)', () => {
  it('Jan Kowalski configures Poczta WP in Polish and the profile is saved exactly', async () => {
    const dir = tempConfig();
    const pty = spawn(process.execPath, [BIN, 'init'], {
      name: 'xterm-256color', cols: 120, rows: 40,
      env: cleanEnv({ MAILCFG_CONFIG_DIR: dir, LANG: 'pl_PL.UTF-8' }) as Record<string, string>,
    });
    const t = new Terminal(pty);
    await t.answer(/Włącz wysyłanie wiadomości email/);
    await t.answer(/Nazwa konta/, 'Comarch DMS');
    await t.answer(/Email \(wychodzący\)/, 'jankowalski@wp.pl');
    await t.answer(/Nazwa wyświetlana/, 'Comarch DMS – powiadomienia');
    await t.answer(/Adres zwrotny/, 'jankowalski@wp.pl');
    await t.answer(/Opis/, 'Konto do wysyłania powiadomień Comarch DMS');
    await t.answer(/Nazwa serwera/, 'smtp.wp.pl');
    await t.answer(/Port[\s\S]*587/);
    await t.answer(/Metoda szyfrowania[\s\S]*automatyczne/);
    await t.answer(/Metoda uwierzytelniania[\s\S]*Login i hasło/);
    await t.answer(/Login[\s\S]*jankowalski/);
    await t.answer(/Hasło/, 'Konwalia369!');
    await t.answer(/Zapisać te ustawienia\?/);
    await t.answer(/Wysłać teraz testową wiadomość email\?/);
    expect(await t.exit()).toBe(0);
    expect(t.transcript).toContain('Zapisano ustawienia');
    expect(t.transcript).not.toContain('Konwalia369!');
    expect(await savedProfile(dir)).toEqual(JAN_KOWALSKI);
  });

  it('Ctrl-C in the middle exits 130 and writes nothing', async () => {
    const dir = tempConfig();
    const pty = spawn(process.execPath, [BIN, 'init'], { name: 'xterm', cols: 100, rows: 30, env: cleanEnv({ MAILCFG_CONFIG_DIR: dir }) as Record<string, string> });
    const t = new Terminal(pty);
    await t.answer(/Enable sending e-mail/);
    await t.waitFor(/Account name/);
    pty.write('Comarch\x03');
    expect(await t.exit()).toBe(130);
    expect(t.text).toContain('Interrupted; nothing was saved.');
    expect(() => readFileSync(join(dir, 'profiles', 'default.json'))).toThrow();
  });
});

describe('test-send in a real terminal', () => {
  it.each([
    ['en', ['Connecting to 127.0.0.1:', 'Negotiating TLS with 127.0.0.1…', 'Authenticating…', 'Sending the message…'], /✔ Message \S+ sent\./],
    ['pl', ['Łączenie z 127.0.0.1:', 'Negocjowanie TLS z 127.0.0.1…', 'Uwierzytelnianie…', 'Wysyłanie wiadomości…'], /✔ Wiadomość \S+ wysłana\./],
  ])('a spinner names each stage (%s), then the outcome; the password is never shown', async (lang, stages, done) => {
    const s = await server({ user: 'jankowalski', password: 'Canary-Konwalia369!', authDelayMs: 300, dataDelayMs: 300 });
    const { caFile } = await testCerts();
    const env = cleanEnv({
      MAILCFG_CONFIG_DIR: tempConfig(), MAILCFG_LANG: lang, MAILCFG_ACCOUNT_NAME: 'Comarch DMS', MAILCFG_EMAIL: 'jankowalski@wp.pl',
      MAILCFG_HOST: '127.0.0.1', MAILCFG_PORT: String(s.port), MAILCFG_ENCRYPTION: 'starttls', MAILCFG_LOGIN: 'jankowalski',
      MAILCFG_PASSWORD: 'Canary-Konwalia369!', MAILCFG_TLS_CA_FILE: caFile,
    });
    const pty = spawn(process.execPath, [BIN, 'test-send', '--to', 'annanowak@op.pl'], { name: 'xterm', cols: 120, rows: 30, env: env as Record<string, string> });
    const t = new Terminal(pty);
    expect(await t.exit()).toBe(0);
    let at = -1;
    for (const stage of stages) {
      const next = t.transcript.indexOf(stage, at + 1);
      expect(next, `${stage} after the stage before it in:\n${t.transcript}`).toBeGreaterThan(at);
      at = next;
    }
    expect(t.transcript).toMatch(done);
    expect(t.transcript).not.toContain('Canary-Konwalia369!');
    expect(s.received).toHaveLength(1);
  });
});
