import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
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
