/**
 * Replaces every secret, and the base64 forms an SMTP AUTH exchange would
 * carry it in, with "********". Applied to every transcript line.
 */
export function redactor(secrets: Array<string | undefined>): (text: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 3) continue;
    needles.add(s);
    needles.add(Buffer.from(s).toString('base64'));
    // Inside a longer base64 payload (AUTH PLAIN packs "\0user\0pass") the secret sits at one of three
    // byte alignments; for each, the base64 groups made only of its own bytes are the same whatever surrounds it.
    for (let shift = 0; shift < 3; shift++) {
      const b64 = Buffer.from('\0'.repeat(shift) + s).toString('base64');
      const partialEnd = (shift + Buffer.byteLength(s)) % 3 !== 0;
      const core = b64.slice(shift > 0 ? 4 : 0, partialEnd ? -4 : undefined);
      if (core.length >= 4) needles.add(core);
    }
  }
  const list = [...needles].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const n of list) out = out.split(n).join('********');
    return out;
  };
}
