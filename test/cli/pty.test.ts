import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type IPty } from 'node-pty';
import { BIN, cleanEnv, tempConfig } from '../helpers/cli.js';
import { JAN_KOWALSKI, savedProfile } from '../helpers/fixtures.js';

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
