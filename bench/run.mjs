// npm run bench: mailcfg against baselines measured in the same run, as ratios.
// Wall times are medians of repeated runs; peak memory is the child's max RSS (GNU time).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, copyFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const BIN = join(root, 'bin/mailcfg.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const FLUSH_N = Number(process.env.BENCH_FLUSH ?? 1000);
const hasTime = existsSync('/usr/bin/time');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Run a command once; wall ms and peak RSS (KiB) when GNU time is there. */
function once(cmd, args, env = {}) {
  const full = hasTime ? ['/usr/bin/time', ['-f', '%M', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const rss = hasTime ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { ms, rss };
}

/** Interleaved runs (a, b, c, a, b, c, …) so that a noisy moment weighs on every command alike. */
function measureAll(cases) {
  for (const c of cases) once(c.cmd, c.args, c.env); // warm the page cache
  const runs = cases.map(() => []);
  for (let i = 0; i < RUNS; i++) cases.forEach((c, j) => runs[j].push(once(c.cmd, c.args, c.env)));
  return runs.map((rs) => ({ ms: median(rs.map((r) => r.ms)), rss: Math.max(...rs.map((r) => r.rss)) }));
}

function startSandbox(dir) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, '--json', '--config-dir', dir, 'sandbox', '--port', '0', '--dir', join(dir, 'sb')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (c) => {
      buf += c;
      const m = buf.match(/^\{"event":"listening".*\}$/m);
      if (m) resolvePromise({ child, ...JSON.parse(m[0]) });
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
  });
}

const fmt = (x, d = 1) => x.toFixed(d);
const lines = [];
const say = (s) => {
  lines.push(s);
  console.log(s);
};

say(`mailcfg benchmark — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB; median of ${RUNS} interleaved runs`);

// 1. Start-up: --help and show must not load inquirer or nodemailer.
const cfg = mkdtempSync(join(tmpdir(), 'mailcfg-bench-'));
spawnSync(process.execPath, [BIN, '--config-dir', cfg, 'preset', 'wp', '--account-name', 'Comarch DMS', '--email', 'jankowalski@wp.pl', '--password-stdin'], { input: 'Konwalia369!\n' });
const [base, help, show] = measureAll([
  { cmd: process.execPath, args: ['-e', '0'] },
  { cmd: process.execPath, args: [BIN, '--help'] },
  { cmd: process.execPath, args: [BIN, '--config-dir', cfg, 'show'] },
]);
say('');
say('| start-up | median ms | ratio to `node -e 0` | target | peak RSS MiB |');
say('|---|---|---|---|---|');
say(`| node -e 0 | ${fmt(base.ms)} | 1.00 | | ${fmt(base.rss / 1024)} |`);
say(`| mailcfg --help | ${fmt(help.ms)} | ${fmt(help.ms / base.ms, 2)} | ≤ 1.5 | ${fmt(help.rss / 1024)} |`);
say(`| mailcfg show | ${fmt(show.ms)} | ${fmt(show.ms / base.ms, 2)} | ≤ 1.5 | ${fmt(show.rss / 1024)} |`);

// 2. One test message through STARTTLS + AUTH, vs the minimal nodemailer script.
const sbDir = mkdtempSync(join(tmpdir(), 'mailcfg-bench-sb-'));
const sb = await startSandbox(sbDir);
const env = {
  MAILCFG_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'mailcfg-bench-send-')), MAILCFG_ACCOUNT_NAME: 'Comarch DMS', MAILCFG_EMAIL: 'jankowalski@example.test',
  MAILCFG_DISPLAY_NAME: 'Comarch DMS – powiadomienia', MAILCFG_HOST: '127.0.0.1', MAILCFG_PORT: String(sb.port), MAILCFG_ENCRYPTION: 'starttls',
  MAILCFG_LOGIN: sb.user, MAILCFG_PASSWORD: sb.password, MAILCFG_TLS_CA_FILE: sb.caFile,
};
const [raw, ours] = measureAll([
  { cmd: process.execPath, args: [join(root, 'bench/raw-send.mjs'), String(sb.port), sb.user, sb.password, sb.caFile] },
  { cmd: process.execPath, args: [BIN, 'test-send', '--to', 'annanowak@example.test'], env },
]);
say('');
say('| one message, STARTTLS + AUTH | median ms | ratio | target | peak RSS MiB |');
say('|---|---|---|---|---|');
say(`| nodemailer script | ${fmt(raw.ms)} | 1.00 | | ${fmt(raw.rss / 1024)} |`);
say(`| mailcfg test-send | ${fmt(ours.ms)} | ${fmt(ours.ms / raw.ms, 2)} | ≤ 1.2 | ${fmt(ours.rss / 1024)} |`);

// 3. queue flush of FLUSH_N messages over one connection, vs a pooled nodemailer loop.
const qEnv = { ...env, MAILCFG_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'mailcfg-bench-queue-')), MAILCFG_PORT: '1', MAILCFG_TIMEOUT: '2' };
spawnSync(process.execPath, [BIN, 'test-send', '--to', 'annanowak@example.test'], { env: { ...process.env, ...qEnv } }); // refused: stays queued
const qdir = join(qEnv.MAILCFG_CONFIG_DIR, 'queue', 'default');
const seed = readdirSync(qdir).find((f) => f.endsWith('.json')).slice(0, -5);
const meta = JSON.parse(readFileSync(join(qdir, `${seed}.json`), 'utf8'));
for (let i = 1; i < FLUSH_N; i++) {
  const id = `${seed}-${String(i).padStart(5, '0')}`;
  copyFileSync(join(qdir, `${seed}.eml`), join(qdir, `${id}.eml`));
  writeFileSync(join(qdir, `${id}.json`), JSON.stringify({ ...meta, id }), { mode: 0o600 });
}
const flushEnv = { ...qEnv, MAILCFG_PORT: String(sb.port), MAILCFG_TIMEOUT: '30' };
const rawFlush = once(process.execPath, [join(root, 'bench/raw-flush.mjs'), String(sb.port), sb.user, sb.password, sb.caFile, String(FLUSH_N)]);
const ourFlush = once(process.execPath, [BIN, 'queue', 'flush'], flushEnv);
const rawRate = FLUSH_N / (rawFlush.ms / 1000);
const ourRate = FLUSH_N / (ourFlush.ms / 1000);
say('');
say(`| ${FLUSH_N} messages, one connection | messages/s | ratio | target | peak RSS MiB |`);
say('|---|---|---|---|---|');
say(`| pooled nodemailer loop | ${fmt(rawRate, 0)} | 1.00 | | ${fmt(rawFlush.rss / 1024)} |`);
say(`| mailcfg queue flush | ${fmt(ourRate, 0)} | ${fmt(ourRate / rawRate, 2)} | ≥ 0.8 | ${fmt(ourFlush.rss / 1024)} |`);

sb.child.kill('SIGINT');
