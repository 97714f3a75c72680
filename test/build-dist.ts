import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);

/**
 * The CLI processes the tests spawn run dist/, the compiled JS production runs, so no test may
 * see a dist/ older than src/. `tsc -b` rebuilds what changed and is a ~1 s no-op otherwise.
 * A global setup rather than a `pretest` script: it also covers `npx vitest run FILE`, the way
 * single files are run while working, and each rerun in watch mode.
 */
export default async function buildDist(project: TestProject): Promise<void> {
  await build();
  project.onTestsRerun(build);
}

async function build(): Promise<void> {
  try {
    await run('npm', ['run', '-s', 'build'], { cwd: new URL('..', import.meta.url) });
  } catch (err) {
    // tsc prints its errors on stdout.
    const out = (err as { stdout?: string }).stdout ?? '';
    throw new Error(`npm run build failed, and the CLI the tests spawn runs dist/: fix the build first\n${out}`, { cause: err });
  }
}
