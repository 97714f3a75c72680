import { createRequire } from 'node:module';
import type * as BullMQ from 'bullmq';

/**
 * BullMQ's values (classes, enums), loaded with require(); its types come from 'bullmq' as usual.
 * An `import` of a CommonJS package makes Node first scan the package's re-exports for their
 * names (cjs-module-lexer), and BullMQ's index re-exports every file it has: the scan cost about
 * half again the loading itself, some 0.15 s of CPU at every start of every command. An eslint
 * rule keeps value imports of 'bullmq' out of src/.
 */
export const bullmq = createRequire(import.meta.url)('bullmq') as typeof BullMQ;
