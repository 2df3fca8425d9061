// Baseline: the minimal nodemailer script an administrator would write for one test message.
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';

const [port, user, pass, caFile] = process.argv.slice(2);
const transport = nodemailer.createTransport({
  host: '127.0.0.1', port: Number(port), secure: false, requireTLS: true,
  auth: { user, pass }, tls: { ca: readFileSync(caFile) },
});
const info = await transport.sendMail({
  from: '"Comarch DMS – powiadomienia" <jankowalski@example.test>', replyTo: 'jankowalski@example.test',
  to: 'annanowak@example.test', subject: 'Test', text: 'Test message.',
});
if (!info.accepted.length) process.exit(1);
transport.close();
