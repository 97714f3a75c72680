import { createRequire } from 'node:module';
import type * as BullMQ from 'bullmq';

const require = createRequire(import.meta.url);

/**
 * The BullMQ values robot-seeder uses, each loaded from its own file with require(); types come
 * from 'bullmq' as usual. Two reasons, both measured:
 * - an `import` of a CommonJS package makes Node first scan its re-exports for their names
 *   (cjs-module-lexer), and BullMQ's index re-exports every file it has: some 0.15 s of CPU at
 *   every start of every command;
 * - that index also loads what robot-seeder never runs (flows, sandboxed processors, relays, the
 *   Bun, node-redis and Valkey GLIDE clients): 6 MB more resident memory in every worker.
 * The paths are BullMQ's own files (it has no exports map); `test/unit/commonjs.test.ts` checks
 * that each is the very value BullMQ's index exports, so an upgrade that moves one fails there.
 * An eslint rule keeps value imports of 'bullmq' out of src/.
 */
export const bullmq = {
  Queue: (require('bullmq/dist/cjs/classes/queue.js') as Pick<typeof BullMQ, 'Queue'>).Queue,
  Worker: (require('bullmq/dist/cjs/classes/worker.js') as Pick<typeof BullMQ, 'Worker'>).Worker,
  DelayedError: (require('bullmq/dist/cjs/classes/errors/delayed-error.js') as Pick<typeof BullMQ, 'DelayedError'>).DelayedError,
  UnrecoverableError: (require('bullmq/dist/cjs/classes/errors/unrecoverable-error.js') as Pick<typeof BullMQ, 'UnrecoverableError'>)
    .UnrecoverableError,
  MetricsTime: (require('bullmq/dist/cjs/enums/metrics-time.js') as Pick<typeof BullMQ, 'MetricsTime'>).MetricsTime,
};
