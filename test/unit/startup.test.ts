import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * `mailcfg --help` and `mailcfg show` must not load inquirer or nodemailer: walk
 * the static imports of the built bundle from the entry and from the show command.
 */
const dist = resolve(import.meta.dirname, '../../dist');
const HEAVY = ['nodemailer', '@inquirer/prompts', 'conf', 'smtp-server', 'mailparser', 'ora', 'selfsigned', 'fast-xml-parser'];

function staticGraph(file: string, seen = new Set<string>(), bare = new Set<string>()) {
  if (seen.has(file)) return bare;
  seen.add(file);
  const src = readFileSync(join(dist, file), 'utf8');
  // Static imports only: `import … from"x"` and `import"x"`; dynamic import("x") is left out on purpose.
  for (const m of src.matchAll(/(?:^|[;\s}])import\s*(?:[^"'()]*?from\s*)?["']([^"']+)["']/g)) {
    const spec = m[1]!;
    if (spec.startsWith('./')) staticGraph(spec.slice(2), seen, bare);
    else bare.add(spec);
  }
  return bare;
}

describe.runIf(existsSync(join(dist, 'cli.js')))('start-up path of the built CLI', () => {
  it('the entry statically loads none of the heavy packages', () => {
    const loaded = [...staticGraph('cli.js')];
    for (const pkg of HEAVY) expect(loaded.filter((s) => s === pkg || s.startsWith(pkg + '/')), pkg).toEqual([]);
  });

  it('neither does the show command', () => {
    const profileChunk = readdirSync(dist).find((f) => /^profile-[\w-]+\.js$/.test(f));
    expect(profileChunk).toBeDefined();
    const loaded = [...staticGraph(profileChunk!)];
    for (const pkg of HEAVY) expect(loaded.filter((s) => s === pkg || s.startsWith(pkg + '/')), pkg).toEqual([]);
  });

  it('the sending command does load nodemailer (the walk sees real imports)', () => {
    const sendChunk = readdirSync(dist).find((f) => /^send-[\w-]+\.js$/.test(f));
    expect([...staticGraph(sendChunk!)].some((s) => s.startsWith('nodemailer'))).toBe(true);
  });
});

describe.runIf(existsSync(join(dist, 'cli.js')))('built-in modules the start-up path leaves alone', () => {
  // Output is captured in memory, so nothing here opens a terminal or a pipe itself.
  const probe = `
    const { main } = await import(${JSON.stringify(join(dist, 'cli.js'))});
    const sink = { write() { return true; }, isTTY: false };
    for (const argv of [['--help'], ['--config-dir', process.argv[1], 'show']]) {
      await main({ argv: ['node', 'mailcfg', ...argv], env: {}, stdin: { isTTY: false }, stdout: sink, stderr: sink });
    }
    process.stdout.write(JSON.stringify(process.moduleLoadList));
  `;

  it('--help and show without colours load neither node:tty (chalk) nor node:child_process (commander)', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe, mkdtempSync(join(tmpdir(), 'mailcfg-startup-'))], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const loaded: string[] = JSON.parse(r.stdout);
    expect(loaded).toContain('NativeModule fs');
    expect(loaded.filter((m) => /^NativeModule (tty|child_process)$/.test(m))).toEqual([]);
  });
});
