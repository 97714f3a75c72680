/**
 * `npm run build`, second step (after tsc): bundles the compiled CLI, dist/cli/main.js, with what
 * it loads from node_modules into dist/bundle/, the code bin/robot-seeder.js runs. One chunk per
 * lazily loaded command (code splitting), so `--help` still loads almost nothing.
 *
 * Why a bundle: a `worker` started from dist/ resolves, opens and compiles some 450 files (its
 * ~150 and BullMQ's, ioredis's, undici's, pino's); from one bundle it starts with about 0.1 s less
 * CPU and holds 10 MB less at rest, `status` uses 0.27 s of CPU instead of 0.34 s (BENCHMARKS.md,
 * "Start-up"). That is paid once per process, and a fleet is many processes.
 *
 * Left out of the bundle (loaded from node_modules as before): the packages of `serve`, which
 * find files of their own on disk (bull-board's UI, swagger's pages) or compile schemas at run
 * time, and msgpackr's optional native addon (bin/robot-seeder.js turns it off). prom-client, the
 * metrics listener's, is in: from node_modules it was 92 files (with @opentelemetry/api) and some
 * 100 ms of CPU at the start of every worker with METRICS_PORT.
 */
import { readFile, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const EXTERNAL = ['fastify', '@fastify/*', '@bull-board/*', 'ajv', 'msgpackr-extract'];

/**
 * src/commonjs/*.ts load single files of BullMQ, ioredis and undici with a `require` made by
 * `createRequire(import.meta.url)`, which esbuild cannot follow. In the bundle that line goes, so
 * the calls are to `require` itself, which esbuild resolves and bundles. Each shim must hold the line.
 */
const LOCAL_REQUIRE = 'const require = createRequire(import.meta.url);';
const commonjsShims = {
  name: 'commonjs-shims',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]commonjs[\\/][^\\/]+\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (source.split(LOCAL_REQUIRE).length !== 2) {
        return { errors: [{ text: `${path}: expected exactly one \`${LOCAL_REQUIRE}\` (see scripts/bundle-cli.mjs)` }] };
      }
      return { contents: source.replace(LOCAL_REQUIRE, ''), loader: 'js' };
    });
  },
};

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: [new URL('../dist/cli/main.js', import.meta.url).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  plugins: [commonjsShims],
  // The bundled CommonJS packages, and the external ones they require, need a `require`.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  // As tsc's output: maps, read only with NODE_OPTIONS=--enable-source-maps, lead back to src/.
  sourcemap: 'linked',
  sourcesContent: false,
  // Without comments and indentation: V8 holds each loaded chunk's source text for as long as the
  // process runs, and a single character past Latin-1 in a library's comments (BullMQ's and
  // luxon's have a few) made it hold the whole 1.8 MB chunk at two bytes a character. Whitespace
  // only: names stay, so stack traces still name the functions; the maps give src/ lines.
  minifyWhitespace: true,
  logLevel: 'warning',
});
