import { describe, expect, it } from 'vitest';
import { t, resolveLang, hasKey } from '../../src/core/messages.js';
import * as catalogue from '../../src/core/messages.js';

describe('message catalogue', () => {
  it('has every key in both languages with the same placeholders', async () => {
    const src = (await import('node:fs')).readFileSync(new URL('../../src/core/messages.ts', import.meta.url), 'utf8');
    const keys = [...src.matchAll(/^ {2}'([a-zA-Z0-9.]+)':/gm)].map((m) => m[1]!);
    const unique = [...new Set(keys)];
    expect(keys.length).toBe(unique.length * 2); // each key once in en, once in pl
    for (const k of unique) {
      expect(hasKey(k)).toBe(true);
      const en = t('en', k as never);
      const pl = t('pl', k as never);
      expect(en.length, k).toBeGreaterThan(0);
      expect(pl.length, k).toBeGreaterThan(0);
      const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(ph(pl), k).toEqual(ph(en));
    }
    expect(typeof catalogue.t).toBe('function');
  });

  it('uses the original Polish terms', () => {
    expect(t('pl', 'field.accountName')).toBe('Nazwa konta');
    expect(t('pl', 'field.replyTo')).toBe('Adres zwrotny');
    expect(t('pl', 'field.encryption')).toBe('Metoda szyfrowania');
    expect(t('pl', 'msg.saved')).toBe('Zapisano ustawienia');
    expect(t('en', 'msg.saved')).toBe('Settings saved');
  });

  it.each([
    [undefined, {}, 'en'],
    ['pl', {}, 'pl'],
    [undefined, { MAILCFG_LANG: 'pl' }, 'pl'],
    [undefined, { LANG: 'pl_PL.UTF-8' }, 'pl'],
    [undefined, { LC_ALL: 'en_US.UTF-8', LANG: 'pl_PL.UTF-8' }, 'en'],
    [undefined, { LC_MESSAGES: 'pl_PL', LANG: 'C' }, 'pl'],
    ['en', { MAILCFG_LANG: 'pl' }, 'en'],
  ])('resolveLang(%s, %j) = %s', (flag, env, want) => {
    expect(resolveLang(flag, env as NodeJS.ProcessEnv)).toBe(want);
  });
});
