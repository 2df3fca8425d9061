import { generate } from 'selfsigned';

export interface Pem {
  cert: string;
  key: string;
}

const DAY = 86_400_000;

/** A throwaway CA and a server certificate it signs for the given names (made on the fly, EC keys: fast). */
export async function makeCertificates(names: string[] = ['localhost', '127.0.0.1'], opts: { days?: number; caName?: string } = {}): Promise<{ ca: Pem; server: Pem }> {
  const now = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(now.getTime() + (opts.days ?? 30) * DAY);
  const ca = await generate([{ name: 'commonName', value: opts.caName ?? 'mailcfg sandbox CA' }, { name: 'organizationName', value: 'mailcfg' }], {
    keyType: 'ec', algorithm: 'sha256', notBeforeDate: now, notAfterDate,
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
  });
  const altNames = names.map((n) => (/^[\d.]+$/.test(n) || n.includes(':') ? { type: 7, ip: n } : { type: 2, value: n }));
  const server = await generate([{ name: 'commonName', value: names[0]! }], {
    keyType: 'ec', algorithm: 'sha256', notBeforeDate: now, notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  } as Parameters<typeof generate>[1]);
  return { ca: { cert: ca.cert, key: ca.private }, server: { cert: server.cert, key: server.private } };
}
