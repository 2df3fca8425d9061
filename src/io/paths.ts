import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { invalidOption } from '../core/errors.js';

/** `--config-dir` > MAILCFG_CONFIG_DIR > $XDG_CONFIG_HOME/mailcfg > ~/.config/mailcfg */
export function resolveConfigDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const dir = flag ?? env.MAILCFG_CONFIG_DIR;
  if (dir) return resolve(dir);
  const xdg = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(xdg, 'mailcfg');
}

export function checkProfileName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw invalidOption('--profile', 'invalid.profile', name);
  }
  return name;
}

export interface Paths {
  configDir: string;
  profileFile: string;
  queueDir: string;
}

export function profilePaths(configDir: string, profile: string): Paths {
  return {
    configDir,
    profileFile: join(configDir, 'profiles', `${profile}.json`),
    queueDir: join(configDir, 'queue', profile),
  };
}
