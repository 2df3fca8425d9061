import type { MessageKey } from './messages.js';

/**
 * The fields of the account and their labels, flags and env names. Kept apart
 * from the schema so that `--help`, `show` and error rendering load no zod.
 */
export type Kind = 'boolean' | 'text' | 'email' | 'host' | 'port' | 'encryption' | 'auth' | 'secret' | 'serverType' | 'url';

export interface FieldSpec {
  key: string; // dotted for nested
  kind: Kind;
  label: MessageKey;
  help?: MessageKey;
  flag?: string; // commander long flag name without "--"
  secret?: boolean;
}

/** Every field, in the order of the original settings tab; flags and env names derive from `key`. */
export const FIELDS: readonly FieldSpec[] = [
  { key: 'enabled', kind: 'boolean', label: 'field.enabled', help: 'help.enabled', flag: 'enabled' },
  { key: 'accountName', kind: 'text', label: 'field.accountName', help: 'help.accountName', flag: 'account-name' },
  { key: 'email', kind: 'email', label: 'field.email', help: 'help.email', flag: 'email' },
  { key: 'displayName', kind: 'text', label: 'field.displayName', help: 'help.displayName', flag: 'display-name' },
  { key: 'replyTo', kind: 'email', label: 'field.replyTo', help: 'help.replyTo', flag: 'reply-to' },
  { key: 'description', kind: 'text', label: 'field.description', help: 'help.description', flag: 'description' },
  { key: 'serverType', kind: 'serverType', label: 'field.serverType' },
  { key: 'host', kind: 'host', label: 'field.host', help: 'help.host', flag: 'host' },
  { key: 'port', kind: 'port', label: 'field.port', help: 'help.port', flag: 'port' },
  { key: 'encryption', kind: 'encryption', label: 'field.encryption', flag: 'encryption' },
  { key: 'auth', kind: 'auth', label: 'field.auth', flag: 'auth' },
  { key: 'login', kind: 'text', label: 'field.login', help: 'help.login', flag: 'login' },
  { key: 'password', kind: 'secret', label: 'field.password', secret: true },
  { key: 'oauth2.tenantId', kind: 'text', label: 'field.oauth2.tenantId', flag: 'tenant-id' },
  { key: 'oauth2.clientId', kind: 'text', label: 'field.oauth2.clientId', flag: 'client-id' },
  { key: 'oauth2.clientSecret', kind: 'secret', label: 'field.oauth2.clientSecret', secret: true },
  { key: 'oauth2.refreshToken', kind: 'secret', label: 'field.oauth2.refreshToken', secret: true },
  { key: 'oauth2.authority', kind: 'url', label: 'field.oauth2.authority', flag: 'authority' },
  { key: 'tls.caFile', kind: 'text', label: 'field.tls.caFile', flag: 'ca-file' },
  { key: 'tls.insecure', kind: 'boolean', label: 'field.tls.insecure', flag: 'insecure-tls' },
];

export const FIELD_KEYS = FIELDS.map((f) => f.key);
export const SECRET_KEYS = FIELDS.filter((f) => f.secret).map((f) => f.key);

export function fieldSpec(key: string): FieldSpec | undefined {
  return FIELDS.find((f) => f.key === key);
}

/** `tls.caFile` → `MAILCFG_TLS_CA_FILE`, `replyTo` → `MAILCFG_REPLY_TO`. */
export function envName(key: string): string {
  return 'MAILCFG_' + key.replace(/\./g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

