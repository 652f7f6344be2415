// Bearer-key authentication. The platform key manages tenants; tenant keys (admin or app) do everything else.
import type { Request } from 'express';
import { DomainError } from '../domain/errors.js';
import { authenticate, isPlatformKey, type Principal } from '../domain/keys.js';
import type { Access, ApiDeps } from './route.js';

function bearer(req: Request): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(h);
  if (!m) throw new DomainError(401, 'UNAUTHENTICATED', 'the Authorization header must be "Bearer <key>"');
  return m[1];
}

const missing = () => new DomainError(401, 'UNAUTHENTICATED', 'this endpoint needs an API key: send "Authorization: Bearer <key>"');
const wrong = () => new DomainError(401, 'UNAUTHENTICATED', 'the API key is unknown or revoked');

/** Returns the tenant principal (null for public and platform routes) or throws 401/403. */
export async function authenticateRequest(req: Request, access: Access, deps: ApiDeps): Promise<Principal | null> {
  if (access === 'public') return null;
  const key = bearer(req);
  if (!key) throw missing();
  if (access === 'platform') {
    if (isPlatformKey(key, deps.adminKey)) return null;
    if (await authenticate(deps.ds, key)) throw new DomainError(403, 'FORBIDDEN', 'managing tenants needs the platform key (BOOKFLOW_ADMIN_KEY), not a tenant key');
    throw wrong();
  }
  const principal = await authenticate(deps.ds, key);
  if (!principal) {
    if (isPlatformKey(key, deps.adminKey)) throw new DomainError(403, 'FORBIDDEN', 'the platform key manages tenants only; use a tenant API key here');
    throw wrong();
  }
  if (access === 'admin' && principal.role !== 'admin') {
    throw new DomainError(403, 'FORBIDDEN', 'this operation needs an admin key; app keys may only work with bookings, customers and the waitlist');
  }
  return principal;
}
