import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resolver } from 'node:dns/promises';
import { get as httpsGet } from 'node:https';
import { get as httpGet } from 'node:http';
import {
  autoconfigProposals, domainOf, lookupOffline, mxProposal, parseCatalogue, srvProposal,
  type AutoconfigServer, type CatalogueRow, type Proposal, type Source,
} from '../core/detect.js';

export interface DetectOptions {
  budgetMs: number;
  probe: boolean;
  env: NodeJS.ProcessEnv;
  caFile?: string;
}

export interface SourceNote {
  source: Source;
  what: string;
  result: 'found' | 'nothing' | 'error' | 'timeout';
  detail?: string;
}

export interface DetectResult {
  email: string;
  domain: string;
  proposal: Proposal | null;
  candidates: Proposal[];
  tried: SourceNote[];
  elapsedMs: number;
  timedOut: boolean;
}

let catalogue: Map<string, CatalogueRow> | undefined;

/** The built-in catalogue shipped in the package (data/ispdb-smtp.tsv). */
export function loadCatalogue(): Map<string, CatalogueRow> {
  if (catalogue) return catalogue;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'data', 'ispdb-smtp.tsv')) && dirname(dir) !== dir) dir = dirname(dir);
  catalogue = parseCatalogue(readFileSync(join(dir, 'data', 'ispdb-smtp.tsv'), 'utf8'));
  return catalogue;
}

const DEFAULT_AUTOCONFIG = 'https://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={email},https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml';

async function fetchText(url: string, deadline: number, signal: AbortSignal): Promise<string> {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    const req = get(url, { signal, timeout: Math.max(1, deadline - Date.now()) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${res.statusCode}`));
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        if (body.length > 256 * 1024) req.destroy(new Error('too large'));
      });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
  });
}

function parseAutoconfig(xml: string, XMLParser: typeof import('fast-xml-parser').XMLParser): AutoconfigServer[] {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(xml) as Record<string, any>;
  const provider = doc?.clientConfig?.emailProvider;
  const list = [provider?.outgoingServer].flat().filter(Boolean) as Array<Record<string, unknown>>;
  return list
    .filter((s) => (s['@_type'] ?? 'smtp') === 'smtp')
    .map((s) => ({ hostname: String(s.hostname ?? ''), port: Number(s.port ?? 0), socketType: String(s.socketType ?? ''), username: String(s.username ?? '') }));
}

function resolver(env: NodeJS.ProcessEnv, budgetMs: number): Resolver {
  const r = new Resolver({ timeout: Math.max(100, Math.min(budgetMs, 2000)), tries: 1 });
  if (env.MAILCFG_DNS_SERVER) r.setServers(env.MAILCFG_DNS_SERVER.split(',').map((s) => s.trim()));
  return r;
}

function describe(e: unknown): { result: 'nothing' | 'error' | 'timeout'; detail: string } {
  const err = e as NodeJS.ErrnoException & { name?: string };
  const code = err?.code ?? err?.name ?? String(e);
  if (code === 'ENOTFOUND' || code === 'ENODATA') return { result: 'nothing', detail: 'no record' };
  const timeout = code === 'ETIMEOUT' || code === 'ETIMEDOUT' || code === 'AbortError' || code === 'ECANCELLED' || code === 'ABORT_ERR';
  return { result: timeout ? 'timeout' : 'error', detail: timeout ? 'timeout' : err?.message ?? code };
}

/**
 * Settings for an address: presets and the built-in catalogue first (offline);
 * otherwise autoconfig, MX, SRV and (with probe) a look at smtp./mail.<domain>,
 * in parallel, all within one time budget. Every source tried is reported.
 */
export async function detect(email: string, o: DetectOptions): Promise<DetectResult> {
  const started = Date.now();
  const domain = domainOf(email);
  const cat = loadCatalogue();
  const tried: SourceNote[] = [];
  const offline = lookupOffline(email, cat);
  tried.push({ source: 'catalogue', what: domain, result: offline ? 'found' : 'nothing', detail: offline?.from });
  if (offline) return { email, domain, proposal: offline, candidates: [offline], tried, elapsedMs: Date.now() - started, timedOut: false };

  const deadline = started + o.budgetMs;
  const abort = new AbortController();
  const dns = resolver(o.env, o.budgetMs);
  const found: Record<'autoconfig' | 'mx' | 'srv' | 'probe', Proposal[]> = { autoconfig: [], mx: [], srv: [], probe: [] };
  // Each lookup is registered before it starts, so one still waiting at the deadline is reported as such.
  const pending = new Map<string, SourceNote>();
  const expect = (source: Source, what: string) => pending.set(`${source} ${what}`, { source, what, result: 'timeout', detail: 'timeout' });
  const note = (n: SourceNote): void => {
    pending.delete(`${n.source} ${n.what}`);
    tried.push(n);
  };

  const tasks: Array<Promise<void>> = [];
  const { XMLParser } = await import('fast-xml-parser');
  for (const template of (o.env.MAILCFG_AUTOCONFIG_URLS ?? DEFAULT_AUTOCONFIG).split(',').map((s) => s.trim()).filter(Boolean)) {
    const url = template.replace(/\{domain\}/g, domain).replace(/\{email\}/g, encodeURIComponent(email));
    expect('autoconfig', url);
    tasks.push(
      fetchText(url, deadline, abort.signal).then(
        (xml) => {
          const ps = autoconfigProposals(parseAutoconfig(xml, XMLParser), email, url);
          found.autoconfig.push(...ps);
          note({ source: 'autoconfig', what: url, result: ps.length ? 'found' : 'nothing' });
        },
        (e) => note({ source: 'autoconfig', what: url, ...describe(e) }),
      ),
    );
  }
  expect('mx', `MX ${domain}`);
  tasks.push(
    dns.resolveMx(domain).then(
      (mx) => {
        const hosts = mx.sort((a, b) => a.priority - b.priority).map((m) => m.exchange);
        const p = mxProposal(hosts, email, cat);
        if (p) found.mx.push(p);
        note({ source: 'mx', what: `MX ${domain}`, result: p ? 'found' : 'nothing', detail: hosts.join(', ') });
      },
      (e) => note({ source: 'mx', what: `MX ${domain}`, ...describe(e) }),
    ),
  );
  const srv = (name: string) => {
    const what = `SRV ${name}.${domain}`;
    expect('srv', what);
    return dns.resolveSrv(`${name}.${domain}`).then(
      (records) => {
        pending.delete(`srv ${what}`);
        return records;
      },
      (e: unknown) => {
        note({ source: 'srv', what, ...describe(e) });
        return [];
      },
    );
  };
  tasks.push(
    Promise.all([srv('_submissions._tcp'), srv('_submission._tcp')]).then(([a, b]) => {
      const p = srvProposal(a, b, email);
      if (p) found.srv.push(p);
      if (a.length || b.length) note({ source: 'srv', what: `SRV _submission(s)._tcp.${domain}`, result: p ? 'found' : 'nothing', detail: p?.from });
    }),
  );
  if (o.probe) {
    expect('probe', domain);
    tasks.push(probe(domain, email, o, dns, deadline, found.probe, note).then(() => void pending.delete(`probe ${domain}`)));
  }

  let timedOut = false;
  await Promise.race([
    Promise.all(tasks),
    new Promise<void>((r) => setTimeout(() => {
      timedOut = true;
      r();
    }, Math.max(0, deadline - Date.now())).unref()),
  ]);
  abort.abort();
  dns.cancel();
  for (const n of pending.values()) tried.push(n);
  const candidates = [...found.autoconfig, ...found.mx, ...found.srv, ...found.probe];
  return { email, domain, proposal: candidates[0] ?? null, candidates, tried, elapsedMs: Date.now() - started, timedOut };
}

/** Connect to smtp.<domain> and mail.<domain> on 465 (SSL) and 587 (STARTTLS), reading greeting and EHLO as verify does. */
async function probe(domain: string, email: string, o: DetectOptions, dns: Resolver, deadline: number, out: Proposal[], note: (n: SourceNote) => void): Promise<void> {
  const { Session } = await import('./mailer.js');
  const attempts: Array<Promise<void>> = [];
  for (const name of [`smtp.${domain}`, `mail.${domain}`]) {
    let address: string;
    try {
      [address] = (await dns.resolve4(name)) as [string];
    } catch (e) {
      note({ source: 'probe', what: name, ...describe(e) });
      continue;
    }
    for (const [port, encryption] of [[465, 'ssl'], [587, 'starttls']] as const) {
      attempts.push(
        Session.open({
          host: address, servername: name, port, encryption, auth: 'none', caFile: o.caFile,
          timeoutMs: Math.max(200, deadline - Date.now()), secrets: [],
        }).then(
          (s) => {
            s.close();
            out.push({ source: 'probe', from: `${name}:${port} (${s.info.greeting})`, host: name, port, encryption, auth: 'password', login: email, alternatives: [] });
            note({ source: 'probe', what: `${name}:${port}`, result: 'found', detail: s.info.capabilities.join(' ') });
          },
          (e) => note({ source: 'probe', what: `${name}:${port}`, result: 'error', detail: (e as { code?: string }).code ?? String(e) }),
        ),
      );
    }
  }
  await Promise.all(attempts);
  out.sort((a, b) => (a.port === 465 ? -1 : 1) - (b.port === 465 ? -1 : 1));
}
