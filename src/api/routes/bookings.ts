import { createBooking, deleteBooking, getBooking, listBookings, setBookingStatus, updateBooking } from '../../domain/bookings.js';
import { invalid } from '../../domain/errors.js';
import { bookingWorkflows } from '../../engine/booking-workflows.js';
import { previewDelete, previewStatusChange, previewUpdate } from '../../waitlist/preview.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

const DRY_RUN = {
  type: 'boolean', default: false,
  description: 'answer what would happen (the booking as it would be, and which waitlist entry would get the freed seat, until when) without changing anything',
};
/** What a dryRun answers: the booking as it would be, whether it frees seats, and who on the waiting list gets them. */
const DRY_RUN_ANSWER = S.object({
  dryRun: { type: 'boolean', const: true }, booking: { oneOf: [S.booking, { type: 'null' }] }, freesSeats: { type: 'boolean' },
  waitlist: S.object({
    willFill: { type: 'boolean', description: 'someone on the waiting list gets the freed seats' },
    allocations: {
      type: 'array', description: 'who gets the seats, and until when an offer holds',
      items: S.object({
        entryId: S.id, memberId: S.id, customerName: S.nullable({ type: 'string' }), seats: { type: 'integer' },
        result: { type: 'string', enum: ['offered', 'assigned'] }, offerExpiresAt: S.nullable(S.dateTime), bookingId: S.nullable(S.id),
      }, ['entryId', 'memberId', 'customerName', 'seats', 'result', 'offerExpiresAt', 'bookingId']),
    },
    skipped: {
      type: 'array', description: 'who was passed over, and why',
      items: S.object({
        entryId: S.id, memberId: S.id, seats: { type: 'integer' }, reason: { type: ['string', 'null'] },
        freeSeats: { type: 'integer', description: 'NO_ROOM: the seats still free when their turn came' },
      }, ['entryId', 'memberId', 'seats', 'reason']),
    },
    note: S.nullable({ type: 'string' }),
  }, ['willFill', 'allocations', 'skipped', 'note']),
}, ['dryRun', 'booking', 'freesSeats', 'waitlist']);

const nstr = S.nullable({ type: 'string' });
const bookingWorkflowsSchema = S.object({
  items: {
    type: 'array',
    items: S.object({
      workflowId: S.id, name: S.name, triggerType: { type: 'string' }, trigger: { type: 'string', description: 'the trigger in words' },
      enabled: { type: 'boolean' }, builtin: { type: 'boolean' }, applies: { type: 'boolean' }, reason: nstr,
      moment: { ...nstr, description: 'time-offset triggers: when it runs for this booking' },
      scheduledFor: { ...nstr, description: 'time-offset triggers: when its waiting job is due; null when none waits' },
    }),
  },
  truncated: { type: 'boolean', description: 'more than 500 workflows have booking triggers; the rest are left out' },
}, ['items', 'truncated']);

function checkInterval(startTime: string, endTime: string): void {
  if (new Date(endTime).getTime() <= new Date(startTime).getTime()) {
    throw invalid('endTime must be after startTime', [{ pointer: '/endTime', in: 'body', message: 'must be after startTime' }]);
  }
}

export const bookingRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post', path: '/bookings', tag: 'Bookings', access: 'tenant',
    summary: 'Create a booking (409 SLOT_FULL when the resource has no room for the seats at some instant)',
    body: S.bookingCreate,
    responses: { 201: { description: 'the booking', schema: S.booking } },
    handler: async ({ deps, origin, body }) => {
      checkInterval(body.startTime, body.endTime);
      return { status: 201, body: await createBooking(deps.ds, origin, body as never) };
    },
  }),
  defineRoute({
    method: 'get', path: '/bookings', tag: 'Bookings', access: 'tenant',
    summary: 'List bookings by start time; `from`/`to` select bookings overlapping that window',
    query: S.object({
      ...S.pageQuery, resourceId: S.id, customerId: S.id, locationId: S.id, status: S.bookingStatus, from: S.dateTime, to: S.dateTime,
      ids: { type: 'array', items: S.id, maxItems: 100, description: 'only these bookings (repeat the parameter: ?ids=a&ids=b)' },
    }),
    responses: { 200: { description: 'a page of bookings', schema: S.page(S.booking) } },
    handler: async ({ deps, tenantId, query }) => ({ body: await listBookings(deps.ds, tenantId, query as never) }),
  }),
  defineRoute({
    method: 'get', path: '/bookings/:id', tag: 'Bookings', access: 'tenant',
    summary: 'Get a booking', params: S.idParam,
    responses: { 200: { description: 'the booking', schema: S.booking } },
    handler: async ({ deps, tenantId, params }) => ({ body: await getBooking(deps.ds, tenantId, params.id) }),
  }),
  defineRoute({
    method: 'get', path: '/bookings/:id/workflows', tag: 'Bookings', access: 'admin',
    summary: 'Which workflows apply to this booking as it is now, why the others do not, and when its reminders are due',
    description: 'Every workflow with a booking trigger (enabled or not; those that apply first; at most 500): `applies`, or the '
      + '`reason` it does not (`disabled`, `filter:location`, `filter:service`, `filter:resource`, `filter:status`, `filter:language`). '
      + 'For time-offset triggers, `moment` is when it runs for this booking and `scheduledFor` when its waiting job is due (null: no job).',
    params: S.idParam,
    responses: { 200: { description: 'the workflows and their decision for this booking', schema: bookingWorkflowsSchema } },
    handler: async ({ deps, tenantId, params }) => ({ body: await bookingWorkflows(deps.ds, tenantId, params.id) }),
  }),
  defineRoute({
    method: 'patch', path: '/bookings/:id', tag: 'Bookings', access: 'tenant',
    summary: 'Change a booking\'s time, resource, service, seats, language or notes',
    description: 'A move or more seats is checked against capacity (409 `SLOT_FULL`). A final booking (declined, cancelled, '
      + 'not_taken, completed) keeps its time, resource and seats (409 `BOOKING_FINAL`); its notes, language and service can change.',
    params: S.idParam,
    body: { ...S.bookingPatch, properties: { ...(S.bookingPatch.properties as object), dryRun: DRY_RUN } },
    responses: { 200: { description: 'the booking as it now is; with dryRun, what would happen (a move frees the old slot, fewer seats free some)', schema: { oneOf: [S.booking, DRY_RUN_ANSWER] } } },
    handler: async ({ deps, origin, params, body }) => {
      const { dryRun, ...patch } = body;
      if (patch.startTime && patch.endTime) checkInterval(patch.startTime, patch.endTime);
      if (dryRun) return { body: { dryRun: true, ...(await previewUpdate(deps.ds, origin, params.id, patch)) } };
      return { body: await updateBooking(deps.ds, origin, params.id, patch) };
    },
  }),
  defineRoute({
    method: 'post', path: '/bookings/:id/status', tag: 'Bookings', access: 'tenant',
    summary: 'Change a booking\'s status',
    description: 'pending -> confirmed | declined | cancelled; confirmed -> cancelled | not_taken | completed; the others are final (409 INVALID_TRANSITION).',
    params: S.idParam,
    body: { ...S.bookingStatusChange, properties: { ...(S.bookingStatusChange.properties as object), dryRun: DRY_RUN } },
    responses: { 200: { description: 'the booking as it now is; with dryRun, what would happen (the booking as it would be and the waitlist preview)', schema: { oneOf: [S.booking, DRY_RUN_ANSWER] } } },
    handler: async ({ deps, origin, params, body }) => {
      const { dryRun, ...change } = body;
      if (dryRun) return { body: { dryRun: true, ...(await previewStatusChange(deps.ds, origin, params.id, change as never)) } };
      return { body: await setBookingStatus(deps.ds, origin, params.id, change as never) };
    },
  }),
  defineRoute({
    method: 'delete', path: '/bookings/:id', tag: 'Bookings', access: 'tenant',
    summary: 'Delete a booking (records booking.deleted, and slot.freed when it held capacity)', params: S.idParam,
    query: S.object({ dryRun: DRY_RUN }),
    responses: { 204: { description: 'deleted' }, 200: { description: 'with dryRun=true: what would happen, nothing changed', schema: DRY_RUN_ANSWER } },
    handler: async ({ deps, origin, params, query }) => {
      if (query.dryRun) return { body: { dryRun: true, ...(await previewDelete(deps.ds, origin, params.id)) } };
      await deleteBooking(deps.ds, origin, params.id);
      return { status: 204 };
    },
  }),
];
