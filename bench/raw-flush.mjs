// Baseline: a minimal pooled nodemailer loop sending N messages over one connection.
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';

const [port, user, pass, caFile, n] = process.argv.slice(2);
const transport = nodemailer.createTransport({
  pool: true, maxConnections: 1, maxMessages: Infinity,
  host: '127.0.0.1', port: Number(port), secure: false, requireTLS: true,
  auth: { user, pass }, tls: { ca: readFileSync(caFile) },
});
for (let i = 0; i < Number(n); i++) {
  await transport.sendMail({ from: 'jankowalski@example.test', to: `odbiorca${i}@example.test`, subject: `Wiadomość ${i}`, text: 'Test message.' });
}
transport.close();
