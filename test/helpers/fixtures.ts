/** Jan Kowalski's account on Poczta WP, field for field as the original documentation fills it in. */
export const JAN_KOWALSKI = {
  enabled: true, accountName: 'Comarch DMS', email: 'jankowalski@wp.pl', displayName: 'Comarch DMS – powiadomienia',
  replyTo: 'jankowalski@wp.pl', description: 'Konto do wysyłania powiadomień Comarch DMS', serverType: 'SMTP',
  host: 'smtp.wp.pl', port: 587, encryption: 'auto', auth: 'password', login: 'jankowalski', password: 'Konwalia369!',
} as const;

/** The saved profile in a config directory. */
export async function savedProfile(dir: string, name = 'default'): Promise<Record<string, unknown>> {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  return JSON.parse(readFileSync(join(dir, 'profiles', `${name}.json`), 'utf8')) as Record<string, unknown>;
}
