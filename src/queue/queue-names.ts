/** The queue every seed job goes through. */
export const SEED_QUEUE_NAME = 'seed';
/** Where jobs that can no longer succeed are kept, with their reason, for an operator. */
export const DEAD_LETTER_QUEUE_NAME = 'dead-letter';
