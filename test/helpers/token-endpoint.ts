import { createServer, type Server } from 'node:https';
import { testCerts } from './smtp.js';

export interface TokenRequest {
  path: string;
  form: Record<string, string>;
}

export interface TokenEndpoint {
  authority: string;
  requests: TokenRequest[];
  close(): Promise<void>;
}

/** A local HTTPS stand-in for login.microsoftonline.com: answers come from `reply`, every request is recorded. */
export async function startTokenEndpoint(reply: (req: TokenRequest, n: number) => { status: number; body: unknown }): Promise<TokenEndpoint> {
  const { server: tls } = await testCerts();
  const requests: TokenRequest[] = [];
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const r: TokenRequest = { path: req.url ?? '', form: Object.fromEntries(new URLSearchParams(data)) };
      requests.push(r);
      const { status, body } = reply(r, requests.length);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { authority: `https://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
