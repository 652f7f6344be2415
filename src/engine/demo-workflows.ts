// The demo tenant's own workflows, beside the built-in ones: two recipes switched on (a booking confirmation by
// email, a reminder by SMS the day before), so the first booking made in the demo shows the engine at work: the
// confirmation in the outbox, the reminder scheduled on the booking's page.
import type { DataSource } from 'typeorm';
import { addRecipe } from './recipes.js';

export async function seedDemoWorkflows(ds: DataSource, tenantId: string): Promise<void> {
  for (const key of ['booking-confirmation', 'reminder-day-before']) await addRecipe(ds, tenantId, key, { enabled: true });
}
