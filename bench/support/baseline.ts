import { fileURLToPath } from 'node:url';

/** The ~100-line BullMQ + Bottleneck worker the rate engine is measured against (plain JavaScript). */
export const BASELINE_WORKER = fileURLToPath(new URL('../baseline/bullmq-bottleneck-worker.mjs', import.meta.url));
