import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Account } from '../core/account.js';
import {
  APP_SCOPE, DEFAULT_AUTHORITY, DELEGATED_SCOPE, EXPIRY_MARGIN_MS, deviceCodeUrl, diagnoseTokenError, tokenUrl, type TokenErrorBody,
} from '../core/oauth.js';
import { MailcfgError } from '../core/errors.js';
import { EXIT } from '../core/exit.js';
import type { Ctx } from '../commands/context.js';

interface TokenResponse extends TokenErrorBody {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
}

/** POST a form to the identity platform. Extra trusted CAs (tls.caFile) apply here as for SMTP. */
async function post(ctx: Ctx, url: string, form: Record<string, string>, caFile?: string): Promise<{ status: number; body: TokenResponse & Record<string, unknown> }> {
  const { request } = await import('node:https');
  const ca = caFile ? [...rootCertificates, readFileSync(caFile, 'utf8')] : undefined;
  const payload = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST', ca, timeout: ctx.timeoutMs,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let body: TokenResponse & Record<string, unknown>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as TokenResponse & Record<string, unknown>;
        } catch {
          body = { error: `HTTP ${res.statusCode}` };
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => {
      reject(new MailcfgError({
        exit: EXIT.UNAVAILABLE, code: 'EOAUTH2', key: 'oauth.unreachable',
        params: { url: new URL(url).origin, reason: e.code ?? e.message }, hintKey: 'oauth.unreachable.hint',
      }));
    });
    req.end(payload);
  });
}

interface Cached {
  token: string;
  expiresAt: number;
}
const cache = new Map<string, Cached>();

/**
 * XOAUTH2 tokens for Microsoft 365: client credentials (app-only) when a client
 * secret is set, else the saved refresh token (device-code sign-in). Cached in
 * memory until shortly before expiry; `renew` forces a new one. A rotated
 * refresh token is written back to the profile, never printed.
 */
export function tokenSource(ctx: Ctx, a: Account): (renew: boolean) => Promise<string> {
  const o = a.oauth2 ?? {};
  const authority = o.authority ?? DEFAULT_AUTHORITY;
  const key = `${authority}|${o.tenantId}|${o.clientId}|${o.clientSecret ? 'app' : 'user'}`;
  let refreshToken = o.refreshToken;
  return async (renew) => {
    const hit = cache.get(key);
    if (!renew && hit && hit.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return hit.token;
    const form: Record<string, string> = o.clientSecret
      ? { grant_type: 'client_credentials', client_id: o.clientId!, client_secret: o.clientSecret, scope: APP_SCOPE }
      : { grant_type: 'refresh_token', client_id: o.clientId!, refresh_token: refreshToken ?? '', scope: DELEGATED_SCOPE };
    const { status, body } = await post(ctx, tokenUrl(authority, o.tenantId!), form, a.tls?.caFile);
    if (status !== 200 || !body.access_token) throw diagnoseTokenError(status, body);
    cache.set(key, { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 });
    if (!o.clientSecret && body.refresh_token && body.refresh_token !== refreshToken) {
      refreshToken = body.refresh_token;
      await saveRefreshToken(ctx, refreshToken);
    }
    return body.access_token;
  };
}

async function saveRefreshToken(ctx: Ctx, token: string): Promise<void> {
  const { loadProfile, saveProfile } = await import('./store.js');
  const saved = loadProfile(ctx.paths.profileFile)?.account;
  if (!saved) return; // an env-only account: nothing secret is written
  saved.oauth2 = { ...saved.oauth2, refreshToken: token };
  await saveProfile(ctx.paths.profileFile, saved);
}

export interface DeviceCode {
  userCode: string;
  verificationUri: string;
  expiresIn: number;
  interval: number;
  deviceCode: string;
}

export async function startDeviceCode(ctx: Ctx, authority: string, tenant: string, clientId: string, caFile?: string): Promise<DeviceCode> {
  const { status, body } = await post(ctx, deviceCodeUrl(authority, tenant), { client_id: clientId, scope: DELEGATED_SCOPE }, caFile);
  if (status !== 200 || typeof body.device_code !== 'string') throw diagnoseTokenError(status, body);
  return {
    deviceCode: body.device_code,
    userCode: String(body.user_code),
    verificationUri: String(body.verification_uri ?? body.verification_url),
    expiresIn: Number(body.expires_in ?? 900),
    interval: Number(body.interval ?? 5),
  };
}

/** Poll until the person finishes signing in; returns the refresh token. */
export async function pollDeviceCode(ctx: Ctx, authority: string, tenant: string, clientId: string, dc: DeviceCode, caFile?: string): Promise<string> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const deadline = Date.now() + dc.expiresIn * 1000;
  let interval = dc.interval;
  while (Date.now() < deadline) {
    await sleep(interval * 1000);
    const { status, body } = await post(ctx, tokenUrl(authority, tenant), {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: clientId, device_code: dc.deviceCode,
    }, caFile);
    if (status === 200 && body.refresh_token) return body.refresh_token;
    if (body.error === 'authorization_pending') continue;
    if (body.error === 'slow_down') {
      interval += 5;
      continue;
    }
    throw diagnoseTokenError(status, body);
  }
  throw diagnoseTokenError(400, { error: 'expired_token' });
}
