import { defineConfig } from 'tsup';
import type { Plugin } from 'esbuild';

/**
 * commander requires node:child_process at load time, for executable subcommands, which mailcfg has none of.
 * Loading it pulls in 46 internal modules (node:net among them) on every start-up: hand commander a stand-in that
 * loads it on first use.
 */
const lazyChildProcess: Plugin = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'mailcfg-lazy' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'mailcfg-lazy' }, () => ({
      contents: "let cp; module.exports = new Proxy({}, { get: (_, k) => (cp ??= require('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  splitting: true,
  clean: true,
  sourcemap: false,
  dts: false,
  minify: true,
  // The start-up path (commander, chalk, zod) is bundled: one file loads faster than dozens.
  // Everything heavy (nodemailer, inquirer, conf, smtp-server) stays external and lazily imported.
  noExternal: ['commander', 'chalk', 'zod'],
  esbuildPlugins: [lazyChildProcess],
  removeNodeProtocol: false,
  banner: { js: "import { createRequire as __mailcfgRequire } from 'node:module'; const require = __mailcfgRequire(import.meta.url);" },
});
