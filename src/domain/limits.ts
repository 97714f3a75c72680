/**
 * Limits Tencent Cloud Chat documents for identifiers ("Use Limits" page):
 * a custom group ID is printable ASCII (0x20-0x7e), at most 48 bytes; a UserID at most 32 bytes.
 */
export const MAX_GROUP_ID_BYTES = 48;
export const MAX_ACCOUNT_BYTES = 32;
/** The member-tags API (tag 500 is what add_robots sets) takes at most 500 accounts a call. */
export const DEFAULT_MAX_ROBOTS_PER_CALL = 500;
