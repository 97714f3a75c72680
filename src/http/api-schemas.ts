import { API_ERROR_CODES } from './api-error-codes.js';

/**
 * JSON schemas shared by the routes: they validate requests, shape responses and make the
 * OpenAPI document (/openapi.json). Validation schemas use no `format` (the validators have none).
 */

export const ERROR_BODY = {
  type: 'object',
  description: 'Any error but 400: a stable code to branch on, and a message for people.',
  required: ['error'],
  // The enum puts the list of codes in the OpenAPI document, for client generators.
  properties: { error: { type: 'string', enum: Object.keys(API_ERROR_CODES) }, message: { type: 'string' } },
} as const;

export const PROBLEMS_BODY = {
  type: 'object',
  description: 'Every problem of the request; `index` is the item of the list it is about (absent: the request as a whole).',
  required: ['errors'],
  properties: {
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['message'],
        properties: { index: { type: 'integer', minimum: 0 }, message: { type: 'string' } },
      },
    },
  },
} as const;

export const UNAUTHORIZED = { ...ERROR_BODY, description: 'No valid token: nothing else is said.' } as const;

const QUEUE_FIGURES = {
  waiting: { type: 'integer' },
  active: { type: 'integer' },
  delayed: { type: 'integer' },
  completed: { type: 'integer', description: 'All jobs completed since the queue was made.' },
  deadLetter: { type: 'integer' },
} as const;
const QUEUE_FIGURE_NAMES = ['waiting', 'active', 'delayed', 'completed', 'deadLetter'];

export const QUEUE_STATUS = {
  type: 'object',
  description:
    "The figures of `robot-seeder status --json`: the totals of every app, and with APPS_FILE each app's own under `apps` (absent without APPS_FILE).",
  required: QUEUE_FIGURE_NAMES,
  properties: {
    ...QUEUE_FIGURES,
    apps: {
      type: 'object',
      description: 'Each app of APPS_FILE by its name: its own figures.',
      additionalProperties: { type: 'object', required: QUEUE_FIGURE_NAMES, properties: QUEUE_FIGURES },
    },
  },
} as const;

export const DEAD_LETTER_ENTRY = {
  type: 'object',
  required: ['app', 'jobId', 'command', 'groupId', 'robots', 'errorCode', 'errorInfo', 'attempts', 'failedAt'],
  properties: {
    app: { type: 'string', description: 'The app whose queue holds it (`default` without APPS_FILE).' },
    jobId: { type: 'string' },
    command: { type: 'string', enum: ['add_robots', 'del_robots'] },
    groupId: { type: 'string' },
    robots: { type: 'array', items: { type: 'string' } },
    errorCode: { type: ['integer', 'null'], description: "Tencent's ErrorCode; null for failures without one (HTTP status, network)." },
    errorInfo: { type: 'string' },
    attempts: { type: 'integer' },
    failedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** One item of POST /v1/jobs, for the document only: the handler checks items itself, by index. */
export const SEED_JOB_DOC = {
  description:
    'One live room: {"groupId": "<group ID: printable ASCII, at most 48 bytes>", "robots": ["<account id, at most 32 bytes>", ...], ' +
    '"app"?: "<an app of APPS_FILE, required when it has several>", "priority"?: "high" | "normal" (default) | "low"}. ' +
    'Checked item by item by the same rules as job files; problems come back with the item index.',
} as const;

export const CALLBACK_ANSWER = {
  type: 'object',
  required: ['ActionStatus', 'ErrorCode', 'ErrorInfo'],
  properties: { ActionStatus: { type: 'string' }, ErrorCode: { type: 'integer' }, ErrorInfo: { type: 'string' } },
} as const;
