/**
 * robot-seeder as a library, what `import … from 'robot-seeder'` gives: the producer side only.
 * Importing it starts nothing, reads no environment variable and loads no part of the CLI;
 * `connectProducer` connects with the options it is given.
 */
export { connectProducer } from './app/connect-producer.js';
export type { AddManySummary, AddOptions, AddResult, Producer } from './app/connect-producer.js';
export type { ProducerOptions } from './config/producer-options.js';
export type { Priority } from './domain/priority.js';
export type { RobotCommand } from './domain/robot-command.js';
export type { SeedRequest } from './domain/seed-request.js';
export { isSeederError, SeederError, type InputProblem } from './errors/seeder-error.js';
export type { SeederErrorCode } from './errors/seeder-error-codes.js';
export type { QueueStatus, StatusReport } from './queue/queue-status.js';
