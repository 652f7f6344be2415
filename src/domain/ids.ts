import crypto from 'node:crypto';

/** Client-chosen ids: 1-64 letters, digits, `.`, `_`, `-`, `:` (host systems use ids like `t-1`, `m-9`). */
export const ID_PATTERN = '^[A-Za-z0-9._:-]{1,64}$';

/** A generated id: a short type prefix and 96 random bits, e.g. `bk_Vx3kq0b9YfQe2L7m`. */
export function newId(prefix: string): string {
  return `${prefix}_${crypto.randomBytes(12).toString('base64url')}`;
}
