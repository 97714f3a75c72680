/**
 * Limits Tencent Cloud Chat documents for identifiers ("Use Limits" page):
 * a custom group ID is printable ASCII (0x20-0x7e), at most 48 bytes; a UserID at most 32 bytes.
 */
export const MAX_GROUP_ID_BYTES = 48;
export const MAX_ACCOUNT_BYTES = 32;
/** The member-tags API (tag 500 is what add_robots sets) takes at most 500 accounts a call. */
export const DEFAULT_MAX_ROBOTS_PER_CALL = 500;
/**
 * Robots per input line (per room), default: `add_robots` sets member tag 500, and the member-tags
 * API (Setting Live Streaming Group Member Tags) allows at most 1,000 members per tag, so a room
 * cannot hold more robots than that.
 */
export const DEFAULT_MAX_ROBOTS_PER_LINE = 1000;
/** Tencent's own back-end timeout for a REST call (tencent-chat-rest.md): a client timeout must be longer. */
export const TENCENT_BACKEND_TIMEOUT_MS = 3000;
/** The per-call timeout robot-seeder uses by default: twice Tencent's back-end timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 6000;
/** How long the UserSigs robot-seeder makes are valid by default: a day (Tencent allows up to 180). */
export const DEFAULT_USERSIG_TTL_SECONDS = 86_400;
