import type { Output } from './output.js';
import type { Stage } from './mailer.js';
import type { MessageKey } from '../core/messages.js';

export interface Progress {
  stage(s: Stage): void;
  stop(): void;
}

const STAGE_KEY: Record<Stage, MessageKey> = {
  connecting: 'stage.connecting', tls: 'stage.tls', authenticating: 'stage.authenticating', sending: 'stage.sending',
};

/** A spinner naming each stage, on a terminal only; silent under --json or when piped. */
export async function progress(out: Output, host: string, port: number): Promise<Progress> {
  const stderr = out.stderr as NodeJS.WriteStream;
  if (out.json || !stderr.isTTY || out.verbose) return { stage: () => {}, stop: () => {} };
  const { default: ora } = await import('ora');
  const spinner = ora({ stream: stderr, isEnabled: true });
  return {
    stage: (s) => {
      const text = out.t(STAGE_KEY[s], { host, port });
      if (!spinner.isSpinning) spinner.start(text);
      else {
        spinner.text = text;
        spinner.render(); // now, not at the next frame: a quick stage is still named
      }
    },
    stop: () => spinner.stop(),
  };
}
