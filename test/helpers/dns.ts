import { createSocket } from 'node:dgram';
import * as packet from 'dns-packet';

export type Zone = Record<string, { MX?: Array<{ preference: number; exchange: string }>; SRV?: Array<{ priority: number; weight: number; port: number; target: string }>; A?: string[] }>;

export interface DnsServer {
  server: string; // "127.0.0.1:port", for MAILCFG_DNS_SERVER
  queries: string[];
  close(): Promise<void>;
}

/** A small authoritative DNS server on loopback (UDP) answering from `zone`; `silent` never answers at all. */
export async function startDns(zone: Zone, opts: { silent?: boolean } = {}): Promise<DnsServer> {
  const sock = createSocket('udp4');
  const queries: string[] = [];
  sock.on('message', (msg, rinfo) => {
    const q = packet.decode(msg);
    const question = q.questions?.[0];
    if (!question) return;
    queries.push(`${question.type} ${question.name}`);
    if (opts.silent) return;
    const entry = zone[question.name.toLowerCase()];
    const answers: packet.Answer[] = [];
    if (question.type === 'MX') for (const mx of entry?.MX ?? []) answers.push({ type: 'MX', name: question.name, ttl: 60, data: mx });
    if (question.type === 'SRV') for (const s of entry?.SRV ?? []) answers.push({ type: 'SRV', name: question.name, ttl: 60, data: s });
    if (question.type === 'A') for (const a of entry?.A ?? []) answers.push({ type: 'A', name: question.name, ttl: 60, data: a });
    const rcode = entry ? 'NOERROR' : 'NXDOMAIN';
    const reply = packet.encode({
      type: 'response', id: q.id, flags: packet.AUTHORITATIVE_ANSWER | (rcode === 'NXDOMAIN' ? 3 : 0), questions: q.questions, answers,
    });
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { server: `127.0.0.1:${sock.address().port}`, queries, close: () => new Promise((r) => sock.close(() => r())) };
}
