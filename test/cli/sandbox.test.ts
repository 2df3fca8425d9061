import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { BIN, cleanEnv, run, tempConfig } from '../helpers/cli.js';

describe('mailcfg sandbox', () => {
  it('captures mail sent through STARTTLS + AUTH, prints one line per message, stops cleanly on Ctrl-C', async () => {
    const dir = tempConfig();
    const child = spawn(process.execPath, [BIN, '--config-dir', dir, '--json', 'sandbox', '--port', '0'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const events: Array<Record<string, any>> = [];
    let buf = '';
    child.stdout.on('data', (c) => {
      buf += c;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l.trim()) events.push(JSON.parse(l));
    });
    const wait = async (pred: () => boolean) => {
      for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(pred()).toBe(true);
    };
    await wait(() => events.some((e) => e.event === 'listening'));
    const l = events.find((e) => e.event === 'listening')!;
    expect(l).toMatchObject({ host: '127.0.0.1', user: 'sandbox' });
    expect(existsSync(l.caFile)).toBe(true);

    const profileDir = tempConfig();
    const init = await run(['--config-dir', profileDir, 'init', '--account-name', 'Sandbox', '--email', 'jankowalski@example.test',
      '--host', '127.0.0.1', '--port', String(l.port), '--encryption', 'starttls', '--login', 'sandbox', '--ca-file', l.caFile, '--password-stdin'],
    { input: l.password + '\n' });
    expect(init.code).toBe(0);
    const sent = await run(['--config-dir', profileDir, 'test-send', '--to', 'annanowak@example.test', '--subject', 'Zażółć gęślą jaźń']);
    expect(sent.code).toBe(0);
    await wait(() => events.some((e) => e.event === 'message'));
    const m = events.find((e) => e.event === 'message')!;
    expect(m).toMatchObject({ from: 'jankowalski@example.test', to: ['annanowak@example.test'], subject: 'Zażółć gęślą jaźń' });
    expect(readFileSync(m.file, 'utf8')).toContain('From: jankowalski@example.test');

    const wrong = await run(['--config-dir', profileDir, 'test-send', '--to', 'a@example.test'], { env: { MAILCFG_PASSWORD: 'wrong' } });
    expect(wrong.code).toBe(77);

    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
  });

  it('a port in use → 69 with a hint', async () => {
    const first = spawn(process.execPath, [BIN, '--config-dir', tempConfig(), '--json', 'sandbox', '--port', '0'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
    const port = await new Promise<number>((r) => first.stdout.on('data', (c) => r(JSON.parse(String(c).split('\n')[0]!).port)));
    const r = await run(['--config-dir', tempConfig(), 'sandbox', '--port', String(port)]);
    first.kill('SIGINT');
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('EADDRINUSE');
    expect(r.stderr).toContain('--port 0');
  });
});

describe('mailcfg demo', () => {
  it('runs the whole flow with no account and shows the message as received, diacritics intact', async () => {
    const home = tempConfig();
    const r = await run(['demo'], { env: { HOME: home, XDG_CONFIG_HOME: home } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('From: "Comarch DMS – powiadomienia" <jankowalski@example.test>');
    expect(r.stdout).toContain('Subject: Test mailcfg: zażółć gęślą jaźń');
    expect(r.stdout).toMatch(/^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/m); // RFC 5322, as it travelled
    expect(r.stdout).toMatch(/Encryption\s+starttls, TLSv1\.3/);
    expect(r.stdout).toContain('The whole flow works');
    expect(existsSync(`${home}/mailcfg`)).toBe(false); // the user's profiles are untouched
    const j = await run(['demo', '--json'], { env: { HOME: home } });
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ status: 'sent', received: { subject: 'Test mailcfg: zażółć gęślą jaźń', to: ['annanowak@example.test'] } });
  });
});
