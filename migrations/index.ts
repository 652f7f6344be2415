// Every migration, in order. One concern per file; a landed migration is never edited.
import { Tenants1763800000001 } from './1763800000001-tenants.js';
import { Catalog1763800000002 } from './1763800000002-catalog.js';
import { Customers1763800000003 } from './1763800000003-customers.js';
import { Bookings1763800000004 } from './1763800000004-bookings.js';
import { Events1763800000005 } from './1763800000005-events.js';
import { Workflows1763800000006 } from './1763800000006-workflows.js';
import { WorkersAndDefaults1763800000007 } from './1763800000007-workers-and-defaults.js';
import { Waitlist1763800000008 } from './1763800000008-waitlist.js';
import { OutboxClaims1763800000010 } from './1763800000010-outbox-claims.js';
import { WebhookSubscriptions1763800000009 } from './1763800000009-webhook-subscriptions.js';
import { WebhookDueIndex1763800000011 } from './1763800000011-webhook-due-index.js';
import { RoomForUpdates1763800000012 } from './1763800000012-room-for-updates.js';
import { OverlapIndexes1763800000013 } from './1763800000013-overlap-indexes.js';
import { BookingRoutines1763800000014 } from './1763800000014-booking-routines.js';
import { JobKeysEscapeIds1763800000015 } from './1763800000015-job-keys-escape-ids.js';
import { BookingCreateLocksWorkflows1763800000016 } from './1763800000016-booking-create-locks-workflows.js';
import { TimedRunsAnchor1763800000017 } from './1763800000017-timed-runs-anchor.js';

export const migrations = [
  Tenants1763800000001,
  Catalog1763800000002,
  Customers1763800000003,
  Bookings1763800000004,
  Events1763800000005,
  Workflows1763800000006,
  WorkersAndDefaults1763800000007,
  Waitlist1763800000008,
  WebhookSubscriptions1763800000009,
  OutboxClaims1763800000010,
  WebhookDueIndex1763800000011,
  RoomForUpdates1763800000012,
  OverlapIndexes1763800000013,
  BookingRoutines1763800000014,
  JobKeysEscapeIds1763800000015,
  BookingCreateLocksWorkflows1763800000016,
  TimedRunsAnchor1763800000017,
];
