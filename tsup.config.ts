import { defineConfig } from 'tsup';

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
  banner: { js: "import { createRequire as __mailcfgRequire } from 'node:module'; const require = __mailcfgRequire(import.meta.url);" },
});
