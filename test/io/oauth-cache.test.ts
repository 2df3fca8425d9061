import { afterEach, describe, expect, it } from 'vitest';
import { tokenSource } from '../../src/io/oauth.js';
import { Output } from '../../src/io/output.js';
import { profilePaths } from '../../src/io/paths.js';
import type { Ctx } from '../../src/commands/context.js';
import { tempConfig } from '../helpers/cli.js';
import { testCerts } from '../helpers/smtp.js';
import { startTokenEndpoint, type TokenEndpoint } from '../helpers/token-endpoint.js';

const open: TokenEndpoint[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

function ctx(): Ctx {
  const out = new Output({ lang: 'en', json: false, verbose: false });
  return { lang: 'en', out, env: {}, profile: 'default', paths: profilePaths(tempConfig(), 'default'), interactive: false, timeoutMs: 5000, stdin: process.stdin, interruptible: (_i, fn) => fn() };
}

async function account(expiresIn: number, tenant: string) {
  let n = 0;
  const e = await startTokenEndpoint(() => ({ status: 200, body: { access_token: `AT-${++n}`, expires_in: expiresIn } }));
  open.push(e);
  const { caFile } = await testCerts();
  return { e, a: { auth: 'oauth2' as const, oauth2: { tenantId: tenant, clientId: 'c', clientSecret: 's', authority: e.authority }, tls: { caFile } } };
}

describe('token cache (real HTTPS token endpoint)', () => {
  it('reuses a token until shortly before it expires', async () => {
    const { e, a } = await account(3600, 'tenant-long');
    const get = tokenSource(ctx(), a);
    expect(await get(false)).toBe('AT-1');
    expect(await get(false)).toBe('AT-1');
    expect(e.requests).toHaveLength(1);
  });

  it('refreshes a token that is about to expire, and on demand', async () => {
    const { e, a } = await account(60, 'tenant-short'); // inside the 5-minute margin
    const get = tokenSource(ctx(), a);
    expect(await get(false)).toBe('AT-1');
    expect(await get(false)).toBe('AT-2');
    expect(await get(true)).toBe('AT-3');
    expect(e.requests).toHaveLength(3);
  });
});
