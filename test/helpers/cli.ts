import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/mailcfg.js');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh config directory for one test. */
export function tempConfig(): string {
  return mkdtempSync(join(tmpdir(), 'mailcfg-test-'));
}

/** Environment with nothing of the developer's own mailcfg or locale settings leaking in. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('MAILCFG_') || ['LANG', 'LC_ALL', 'LC_MESSAGES', 'CI', 'NO_COLOR', 'FORCE_COLOR'].includes(k)) continue;
    env[k] = v;
  }
  env.LANG = 'C.UTF-8';
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Run the built CLI with no terminal: stdin is a pipe (given input, or closed). */
export function run(args: string[], o: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(o.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mailcfg ${args.join(' ')} did not finish in time (hang?)\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, o.timeoutMs ?? 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    if (o.input !== undefined) child.stdin.end(o.input);
    else child.stdin.end();
  });
}
