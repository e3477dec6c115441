/** More servers than this is a mistaken setting (or unit), not a plan. */
export const MAX_SERVERS = 1_000_000;
