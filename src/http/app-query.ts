import type { FastifyReply } from 'fastify';
import { isSeederError } from '../errors/seeder-error.js';
import { badRequest, sendApiError } from './api-errors.js';
import { ERROR_BODY } from './api-schemas.js';

/** How a request names an app, in the message when it must (findApp's `ask`). */
export const ASK_APP = '?app=NAME';

/** `?app=NAME` of the routes that act on one app's state or, for some, on every app's. */
export const APP_QUERY = {
  type: 'string',
  minLength: 1,
  description: 'An app of APPS_FILE, by its `name` (`default` without APPS_FILE). An unknown name gets 404, listing the apps.',
} as const;

/** The 404 of a route taking `?app=`. */
export const UNKNOWN_APP = { ...ERROR_BODY, description: 'NOT_FOUND: `app` names no app configured; the message lists them.' } as const;

/**
 * What `pick` finds of the app a request names (it throws findApp's errors), or null once the
 * request is answered: 404 NOT_FOUND for a name that is not configured, 400 when several apps
 * are configured and the request names none. Both messages list the apps.
 */
export function forApp<T>(reply: FastifyReply, pick: () => T): T | null {
  try {
    return pick();
  } catch (err) {
    if (!isSeederError(err)) throw err;
    if (err.code === 'NOT_FOUND') {
      void sendApiError(reply, 'NOT_FOUND', err.message);
      return null;
    }
    if (err.code === 'USAGE') {
      void reply.code(400).send(badRequest([{ message: err.message }]));
      return null;
    }
    throw err;
  }
}
