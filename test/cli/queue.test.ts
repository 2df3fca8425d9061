import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cleanEnv, run, tempConfig } from '../helpers/cli.js';
import { serverPool, testCerts, type TestServer } from '../helpers/smtp.js';

const server = serverPool(afterEach);

async function account(dir: string, port: number) {
  const { caFile } = await testCerts();
  return {
    MAILCFG_CONFIG_DIR: dir, MAILCFG_ACCOUNT_NAME: 'Comarch DMS', MAILCFG_EMAIL: 'annanowak@op.pl', MAILCFG_HOST: '127.0.0.1',
    MAILCFG_PORT: String(port), MAILCFG_LOGIN: 'user', MAILCFG_PASSWORD: 'secret', MAILCFG_TLS_CA_FILE: caFile, MAILCFG_TIMEOUT: '5',
  };
}

function messageIds(s: TestServer): string[] {
  return s.received.map((m) => /^Message-ID: (.+)$/im.exec(m.raw.toString())![1]!.trim());
}

/** Queue n messages while the server is down: each stays deferred. */
async function queueDeferred(dir: string, n: number): Promise<string[]> {
  const env = await account(dir, 1);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await run(['test-send', '--to', `jan${i}@wp.pl`, '--subject', `wiadomość ${i}`, '--json'], { env });
    expect(r.code).toBe(69);
    ids.push(JSON.parse(r.stdout).id);
  }
  return ids;
}

describe('the queue', () => {
  it('10 concurrent test-send processes: each message delivered exactly once', async () => {
    const s = await server();
    const dir = tempConfig();
    const env = await account(dir, s.port);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => run(['test-send', '--to', `jan${i}@wp.pl`, '--json'], { env, timeoutMs: 60_000 })));
    expect(results.map((r) => r.code)).toEqual(Array(10).fill(0));
    const sentIds = results.map((r) => JSON.parse(r.stdout).messageId).sort();
    expect(messageIds(s).sort()).toEqual(sentIds);
    expect(new Set(sentIds).size).toBe(10);
    const list = JSON.parse((await run(['queue', '--json'], { env })).stdout);
    expect(list.map((e: { status: string }) => e.status)).toEqual(Array(10).fill('sent'));
  });

  it('two flushes at once never send one queued message twice', async () => {
    const dir = tempConfig();
    await queueDeferred(dir, 12);
    const s = await server();
    const env = await account(dir, s.port);
    const [a, b] = await Promise.all([run(['queue', 'flush', '--json'], { env }), run(['queue', 'flush', '--json'], { env })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const sa = JSON.parse(a.stdout).sent;
    const sb = JSON.parse(b.stdout).sent;
    expect(sa + sb).toBe(12);
    expect(s.received).toHaveLength(12);
    expect(new Set(messageIds(s)).size).toBe(12);
  });

  it('kill -9 of a flushing process loses nothing: a later flush sends the rest', async () => {
    const dir = tempConfig();
    const ids = await queueDeferred(dir, 6);
    const slow = await server({ dataDelayMs: 400 });
    const env = await account(dir, slow.port);
    const child = spawn(process.execPath, [BIN, 'queue', 'flush'], { env: cleanEnv(env), stdio: 'ignore' });
    // Kill it while it holds a claim, in the middle of the flush.
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        const claimed = readdirSync(join(dir, 'queue', 'default')).some((f) => f.includes('.claim-'));
        if (claimed && slow.received.length >= 2) {
          clearInterval(t);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    await new Promise((r) => child.on('exit', r));
    const before = slow.received.length;
    expect(before).toBeLessThan(6);
    const listed = JSON.parse((await run(['queue', '--json'], { env })).stdout);
    expect(listed).toHaveLength(6); // every message still listed; none lost
    const fast = await server();
    const r = await run(['queue', 'flush', '--json'], { env: await account(dir, fast.port) });
    expect(r.code).toBe(0);
    const all = JSON.parse((await run(['queue', '--json'], { env })).stdout);
    expect(all.map((e: { id: string }) => e.id).sort()).toEqual([...ids].sort());
    expect(all.every((e: { status: string }) => e.status === 'sent')).toBe(true);
    // Every message reached a server at least once; at most the one in flight at the kill twice.
    const delivered = [...messageIds(slow), ...messageIds(fast)];
    expect(new Set(delivered).size).toBe(6);
    expect(delivered.length).toBeLessThanOrEqual(7);
  });

  it('Ctrl-C while sending gives the message back to the queue unchanged, says so, exits 130; a flush sends it', async () => {
    // a server that accepts the connection and never says a word: the send is stuck waiting for its greeting
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const dir = tempConfig();
      const env = { ...(await account(dir, (silent.address() as AddressInfo).port)), MAILCFG_TIMEOUT: '30', MAILCFG_ENCRYPTION: 'starttls' };
      const child = spawn(process.execPath, [BIN, 'test-send', '--to', 'jan@wp.pl', '--json'], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          const qdir = join(dir, 'queue', 'default');
          if (existsSync(qdir) && readdirSync(qdir).some((f) => f.includes('.claim-'))) {
            clearInterval(t);
            resolve();
          }
        }, 20);
      });
      child.kill('SIGINT');
      const code = await new Promise((r) => child.on('close', r));
      expect(code).toBe(130);
      const id = readdirSync(join(dir, 'queue', 'default')).find((f) => f.endsWith('.eml'))!.slice(0, -4);
      expect(stderr).toContain(`Interrupted: message ${id} goes back to the queue unchanged`);
      expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: 'EINTERRUPTED', message: 'Interrupted while sending; what was queued stays in the queue.' } });
      expect(readdirSync(join(dir, 'queue', 'default')).sort()).toEqual([`${id}.eml`, `${id}.json`]);
      const listed = JSON.parse((await run(['queue', '--json'], { env })).stdout);
      expect(listed).toMatchObject([{ id, status: 'queued', attempts: 0, lastError: null }]);
      const s = await server();
      expect((await run(['queue', 'flush'], { env: await account(dir, s.port) })).code).toBe(0);
      expect(s.received).toHaveLength(1);
    } finally {
      silent.close();
    }
  });

  it('flush --due sends only messages whose retry time has come; plain flush sends deferred ones too', async () => {
    const dir = tempConfig();
    await queueDeferred(dir, 2);
    const s = await server();
    const env = await account(dir, s.port);
    const due = await run(['queue', 'flush', '--due', '--json'], { env });
    expect(JSON.parse(due.stdout)).toMatchObject({ sent: 0, deferred: 0, failed: 0 });
    expect(s.received).toHaveLength(0);
    const all = await run(['--lang', 'pl', 'queue', 'flush'], { env });
    expect(all.stdout).toMatch(/^\S+  wysłana  jan\d@wp\.pl$/m);
    expect(all.stdout).toContain('Wysłane: 2, odłożone: 0, nieudane: 0.');
  });

  it('list shows status, attempts, last error and next attempt; retry, remove and clear', async () => {
    const dir = tempConfig();
    const [a, b, c] = await queueDeferred(dir, 3);
    const env = await account(dir, 1);
    const list = JSON.parse((await run(['queue', 'list', '--json'], { env })).stdout);
    expect(Object.keys(list[0]).sort()).toEqual(['attempts', 'createdAt', 'id', 'lastError', 'nextAttemptAt', 'status', 'subject', 'to']);
    expect(list[0]).toMatchObject({ id: a, status: 'deferred', attempts: 1, subject: 'wiadomość 0', lastError: { code: 'ECONNREFUSED' } });
    expect(Object.keys(list[0].lastError).sort()).toEqual(['code', 'message', 'smtpCode']);
    // recorded by an English run, read in Polish: the reader's language, local time
    const human = await run(['--lang', 'pl', 'queue'], { env });
    expect(human.stdout).toMatch(new RegExp(`^${a}  odłożona  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  jan0@wp\\.pl  “wiadomość 0”  \\(prób: 1\\)$`, 'm'));
    expect(human.stdout).toContain('Połączenie z 127.0.0.1:1 zostało odrzucone');
    expect(human.stdout).toMatch(/następna próba po \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
    expect((await run(['queue'], { env })).stdout).toContain('The connection to 127.0.0.1:1 was refused');
    expect((await run(['queue', 'remove', b!], { env })).code).toBe(0);
    expect((await run(['queue', 'remove', 'nope'], { env })).code).toBe(65);
    const s = await server();
    const retry = await run(['queue', 'retry', a!, '--json'], { env: await account(dir, s.port) });
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.stdout).sent).toBe(1);
    expect(s.received).toHaveLength(1);
    const after = JSON.parse((await run(['queue', '--json'], { env })).stdout);
    expect(after.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([[a, 'sent'], [c, 'deferred']]);
    expect((await run(['queue', 'clear'], { env })).stdout).toContain('Removed 2 messages.');
    expect(JSON.parse((await run(['queue', '--json'], { env })).stdout)).toEqual([]);
  });

  it('queue files hold the complete message bytes and no secret', async () => {
    const dir = tempConfig();
    const [id] = await queueDeferred(dir, 1);
    const eml = readFileSync(join(dir, 'queue', 'default', `${id}.eml`), 'utf8');
    expect(eml).toMatch(/^From: annanowak@op\.pl$/m);
    expect(eml).toMatch(/^Subject: =\?UTF-8\?Q\?wiadomo=C5=9B=C4=87_0\?=$/m);
    for (const f of readdirSync(join(dir, 'queue', 'default'))) expect(readFileSync(join(dir, 'queue', 'default', f), 'utf8')).not.toContain('secret');
  });

  it('flush refuses while sending is disabled', async () => {
    const dir = tempConfig();
    const r = await run(['queue', 'flush'], { env: { ...(await account(dir, 1)), MAILCFG_ENABLED: 'false' } });
    expect(r.code).toBe(78);
  });
});
