// Bookings are filtered by more than their own columns: by their resource's location, and (a booking whose customer
// has no language) by the tenant's default language; and reminders in days count calendar days in the location's
// time zone. A change to any of these can make a workflow start or stop applying, or move its
// moment, for bookings that did not change themselves (a reminder filtered to one location, a resource moved there);
// hooks registered here run in the transaction of that change. The engine reconciles the tenant's reminders.
import type { EntityManager } from 'typeorm';

type ScopeHook = (tx: EntityManager, tenantId: string) => Promise<void>;

const hooks: ScopeHook[] = [];

export function onBookingScopeChange(hook: ScopeHook): void {
  hooks.push(hook);
}

export async function bookingScopeChanged(tx: EntityManager, tenantId: string): Promise<void> {
  for (const hook of hooks) await hook(tx, tenantId);
}
