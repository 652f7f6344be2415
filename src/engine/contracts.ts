// The contracts between the workflow engine and its modules.
//
// Glossary
//   trigger   a module in triggers/ that decides whether an event (or a moment relative to a booking) starts a
//             workflow. `type` is persisted in workflows forever.
//   action    a module in actions/ that does one thing (send an email, change a status). `type` is persisted too.
//   workflow  a tenant's rule: one trigger with its config, filters, and an ordered list of action steps.
//   run       one evaluation of one workflow for one event or one scheduled moment: a decision (ran, or skipped
//             with a reason code) and, when it ran, one step result per action.
//   step      one action of a run; it renders its templated fields, calls the action, and records the outcome.
//   context   what templates and filters see for a run: booking, customer, resource, location, service, tenant,
//             and the event's own fields. Its shape is the trigger's `variables` schema.
//
// Modules are typed object literals passed to defineTrigger/defineAction (no classes). Their JSON Schemas are the
// single source of truth for their config: the API validates with them on save, the worker on use, the UI renders
// its forms from them and OpenAPI publishes them.
import type { EntityManager } from 'typeorm';
import type { HttpSender, Mailer, SmsSender } from '../delivery/types.js';
import type { Booking, StatusChange } from '../domain/bookings.js';
import type { DomainEvent, EventType, Origin } from '../domain/events.js';
import type { JSONSchema } from '../api/schemas.js';

export type { JSONSchema };

export interface TriggerModule<Config = Record<string, unknown>> {
  /** Persisted forever, e.g. "booking.status_changed". */
  type: string;
  title: string;
  description: string;
  configSchema: JSONSchema;
  /** Event types dispatch looks this trigger up by; [] for purely time-based triggers. */
  listensTo: EventType[];
  /** Whether this event starts the workflow, given the trigger's config (filters are applied separately). */
  matches(event: DomainEvent, config: Config): boolean;
  /**
   * Time-offset triggers: when to run for this booking, or null when it never applies. `timeZone` is the booking's
   * location's (else the tenant's): offsets in days count calendar days there (timing.ts shiftBy).
   */
  schedule?(booking: Booking, config: Config, timeZone: string): Date | null;
  /**
   * Time-offset triggers: the booking time their moment counts from (before_start: its start). A workflow runs once
   * per (booking, anchor): a workflow whose offset is edited does not run again for a booking it already ran for,
   * while a booking that moves gets its reminder anew. Without it, the moment itself is the anchor.
   */
  anchor?(booking: Booking): string;
  /**
   * Time-offset triggers: how long after a booking's end its moment can come (ms; default 0). Reconciles look at
   * bookings that ended up to this long ago (at least 31 days): a "60 days after" follow-up of a booking that ended 40
   * days ago is still ahead.
   */
  reachBackMs?(config: Config): number;
  /** Time-offset triggers: a late `send_now` is not sent at or after this time (before_start: the booking's start). */
  lateDeadline?(booking: Booking, config: Config): Date | null;
  /** Booking statuses the workflow applies to when its status filter is empty (default: all). */
  defaultStatuses?: string[];
  /**
   * The statuses the booking can have when a run of this config is decided (status_changed: its "to"), or null when
   * any. A status filter that names none of them is refused on save: the workflow could never run.
   */
  statusesWhenRun?(config: Config): readonly string[] | null;
  /** What templates and filters can see (a JSON Schema of the run context). */
  variables: JSONSchema;
  /** For previews, dry runs and the contract test. */
  sampleEvent: Omit<DomainEvent, 'tenantId'>;
  /**
   * Event data that fits this config, merged over `sampleEvent.data` in dry runs, so a preview shows the event the
   * workflow really waits for (a change to "cancelled", not the sample's "confirmed"). `booking` is the booking the
   * dry run is for, if any.
   */
  sampleData?(config: Config, booking: Booking | null): Record<string, unknown>;
  /** Describes a config in words, for lists: "24 hours before start". */
  describe(config: Config): string;
  /**
   * Asked before each step of a run of this trigger sends a message to a person (email, SMS; a retry hours later
   * included), with the context as it is now: a reason when what the event announced no longer holds (e.g.
   * `stale:offer_closed`), recorded as the step's `skipped:<reason>` instead of sending. Webhook actions are not asked:
   * an integration gets every event. Omitted: an event's run always sends. Time-offset runs are re-checked by the
   * engine itself (their moment, filters and workflow), whatever the action.
   */
  stillHolds?(context: RunContext): string | null;
}

export function defineTrigger<C>(m: TriggerModule<C>): TriggerModule<C> {
  return m;
}

/** Everything an action may touch: injected, so dry runs and tests can substitute capturing ports. */
export interface ActionDeps {
  mailer: Mailer;
  sms: SmsSender;
  http: HttpSender;
  /** Changes a booking's status through the same domain service as the API (records its own events). */
  setBookingStatus(origin: Origin, bookingId: string, change: StatusChange): Promise<Booking>;
  /** Fills freed capacity from the waitlist (installed by the waitlist feature). */
  fillFromWaitlist?(origin: Origin, slot: Record<string, unknown>, runId: string): Promise<Record<string, unknown>>;
  /** Records that a customer opted out of a channel (the SMS provider says they replied STOP). */
  optOut?(origin: Origin, customerId: string, channel: 'email' | 'sms'): Promise<void>;
  /** Base URL for links in messages and provider callbacks. */
  publicUrl: string;
  /** True in dry runs: ports capture instead of sending, domain changes are not made. */
  dryRun: boolean;
}

/** A recipient resolved from the context; `address` is null when the recipient has none for the channel. */
export interface Recipient {
  kind: 'customer' | 'resource' | 'admin' | 'fixed';
  address: string | null;
  name: string | null;
  language: string;
  optedOut: boolean;
}

export interface ActionInput<Config> {
  tenantId: string;
  runId: string;
  stepIndex: number;
  /** The config with templated fields already rendered for `recipient`'s language where it applies. */
  config: Config;
  context: RunContext;
  /** Stable per (run, step): derive per-recipient keys from it for every side effect. */
  idempotencyKey: string;
  origin: Origin;
  /** Renders a templated field of this step for a recipient (language variants, time zone, escaping). */
  render(field: string, recipient: Recipient | null): string;
  /** Renders any template string as plain text (webhook URLs, headers and body leaves). */
  renderString(source: string): string;
  /** The language of the text `render` gives this recipient (its variant's, else the tenant default's). */
  textLanguage(recipient: Recipient | null): string;
  /** Resolves `to` for a channel. */
  recipient(to: string, channel: 'email' | 'sms'): Recipient;
  /** Stores an outgoing message in the outbox before sending; returns the stored one (may already be sent). */
  outbox: Outbox;
  /** Secrets generated for this action when the workflow was saved (webhook signing). */
  secrets: Record<string, string>;
}

export interface OutboxMessage {
  id: string;
  status: 'pending' | 'sending' | 'sent' | 'captured' | 'failed' | 'delivered' | 'undelivered';
  providerId: string | null;
  attempts: number;
  /** When it was first stored, before any attempt to send it. */
  createdAt: string;
  /**
   * An earlier attempt claimed this message and did not record that it went out: it failed (a timeout or a lost
   * answer among the reasons) or its process died while sending. The provider may have taken it all the same.
   */
  maybeSentBefore: boolean;
}

export interface Outbox {
  /**
   * Stores the message once per idempotency key and claims it for sending (a lease), in one step. `claimed` is
   * false when the message was already sent (`message` says how) or another copy of the step holds the lease
   * (`message` may then be null): never send then. A message that failed before is claimed again.
   */
  putAndClaim(msg: {
    key: string; channel: 'email' | 'sms' | 'webhook'; recipient: string; subject?: string | null; body: string;
    html?: string | null; payload?: unknown;
  }): Promise<{ claimed: boolean; message: OutboxMessage | null }>;
  markSent(id: string, result: { providerId: string | null; status: OutboxMessage['status']; response?: unknown }): Promise<void>;
  markFailed(id: string, error: { code: string; message: string; permanent: boolean; response?: unknown }): Promise<void>;
}

/** What a step did, recorded on the run. `outcome` is a stable code: sent, captured, skipped:optout, ... */
export interface StepResult {
  outcome: string;
  /** What was rendered or sent, for the run history and dry runs. */
  output: Record<string, unknown>;
}

export interface ActionModule<Config = Record<string, unknown>> {
  type: string;
  title: string;
  description: string;
  configSchema: JSONSchema;
  /** Config fields rendered with Handlebars; each may have per-language variants in `config.variants`. */
  templatedFields: string[];
  /** The one field (if any) rendered as HTML (escaped); every other templated field is plain text. */
  htmlField?: string;
  /** Attempts before a transient failure counts as final (default 5). */
  maxAttempts?: number;
  /** Trigger types this action works with (default: any). A workflow pairing it with another is refused at save. */
  triggers?: string[];
  /**
   * Every template in a config with its JSON pointer, for the save-time check. Default: `templatedFields` and their
   * per-language `variants`.
   */
  templates?(config: Config): { pointer: string; source: string }[];
  /** Extra checks at save time beyond the schema (e.g. a fixed recipient needs an address). Returns messages per JSON pointer. */
  validate?(config: Config): { pointer: string; message: string }[];
  /**
   * The channel this action sends on, for actions that send messages: when such a step fails for good, or its
   * message is reported undelivered, Bookflow records `message.failed` (src/engine/failures.ts).
   */
  channel?: 'email' | 'sms' | 'webhook';
  /** Secrets to generate when a workflow with this action is saved (names), returned once in the save response. */
  secrets?: string[];
  run(input: ActionInput<Config>, deps: ActionDeps): Promise<StepResult>;
  sampleConfig: Config;
  describe(config: Config): string;
}

export function defineAction<C>(m: ActionModule<C>): ActionModule<C> {
  return m;
}

/** The data a run's templates and filters see. */
export interface RunContext {
  tenant: { id: string; name: string; timezone: string; defaultLanguage: string; adminEmail: string | null };
  booking: (Booking & Record<string, unknown>) | null;
  customer: Record<string, unknown> | null;
  resource: Record<string, unknown> | null;
  location: Record<string, unknown> | null;
  service: Record<string, unknown> | null;
  /** The event's type, id and data (from/to for status changes, changes, reason, offer...). */
  event: { id: string | null; type: string; occurredAt: string; data: Record<string, unknown> };
  /** Time zone for dates: the location's, else the tenant's. */
  timezone: string;
  /** True when the booking no longer exists: `booking` is then the last state the event carried. */
  bookingGone?: boolean;
  [extra: string]: unknown;
}

// ---- errors: the class says whether to retry; `code` is stable; the message says what to do next.

/** A failure retrying cannot fix (invalid address, HTTP 4xx). Recorded, not retried. */
export class PermanentActionError extends Error {
  constructor(readonly code: string, message: string, readonly output: Record<string, unknown> = {}) {
    super(message);
    this.name = 'PermanentActionError';
  }
}

/** The stored config does not fit the action's schema any more. Recorded, not retried: fix the workflow. */
export class ConfigInvalidError extends PermanentActionError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
    this.name = 'ConfigInvalidError';
  }
}

/** A failure that may pass (timeouts, 5xx): retried with backoff up to the action's attempt limit. */
export class TransientActionError extends Error {
  constructor(readonly code: string, message: string, readonly output: Record<string, unknown> = {}) {
    super(message);
    this.name = 'TransientActionError';
  }
}

export type Tx = EntityManager;
