import type { MigrationInterface, QueryRunner } from 'typeorm';

// Rows the engine inserts and then updates within seconds: an event is marked dispatched, a run gets its final
// status, a step is claimed and then completed, a message is claimed and then marked sent. None of those updates
// changes an indexed column, so Postgres can keep the new version on the same page without touching any index (a
// HOT update), but only if the page has room; at the default fill factor (100) the pages are full, and in the
// engine benchmark 77-96% of these updates went into every index of their table. The space left free on each page
// is sized to the updates a row gets (steps two, the others one). Existing pages keep their fill; new ones follow.
const FILL: [table: string, percent: number][] = [['events', 85], ['runs', 80], ['run_steps', 70], ['messages', 75]];

export class RoomForUpdates1763800000012 implements MigrationInterface {
  name = 'RoomForUpdates1763800000012';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, percent] of FILL) await q.query(`ALTER TABLE ${table} SET (fillfactor = ${percent})`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table] of FILL) await q.query(`ALTER TABLE ${table} RESET (fillfactor)`);
  }
}
