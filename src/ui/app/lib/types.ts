// Shapes of the API's answers, as far as the UI reads them. The catalog's JSON Schemas stay `JSONSchema`:
// forms are generated from them, never typed by hand.
export type JSONSchema = Record<string, any>;

export interface Helper {
  name: string;
  description: string;
  example: string;
}

export interface TriggerInfo {
  type: string;
  title: string;
  description: string;
  configSchema: JSONSchema;
  listensTo: string[];
  timed: boolean;
  defaultStatuses: string[];
  variables: JSONSchema;
}

export interface ActionInfo {
  type: string;
  title: string;
  description: string;
  configSchema: JSONSchema;
  templatedFields: string[];
  htmlField: string | null;
  maxAttempts: number;
}

export interface Filters {
  locationIds: string[];
  serviceIds: string[];
  resourceIds: string[];
  statuses: string[];
  languages: string[];
}

export interface ActionStep {
  id?: string;
  type: string;
  config: Record<string, unknown>;
}

export interface Workflow {
  id: string;
  name: string;
  description: string | null;
  enabled: boolean;
  trigger: { type: string; config: Record<string, unknown> };
  filters: Filters;
  actions: ActionStep[];
  builtin: string | null;
  version: number;
  summary: string;
  /** Each action in words, as the server describes it. */
  actionSummaries?: string[];
  /** What saving it now would refuse (checks added since it was saved): it runs as stored, and needs fixing. */
  problems?: { pointer: string; message: string }[];
  /** In lists: the newest run. */
  lastRun?: Pick<Run, 'id' | 'decision' | 'reason' | 'status' | 'createdAt'> | null;
  secrets?: Record<string, Record<string, string>>;
  createdAt: string;
  updatedAt: string;
}

export interface DefaultStatus {
  key: string;
  name: string;
  workflowId: string | null;
  modified: boolean;
}

export interface RunStep {
  index: number;
  actionType: string;
  status: string;
  outcome: string | null;
  attempts: number;
  output: Record<string, unknown>;
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Run {
  id: string;
  workflowId: string;
  workflowName: string;
  workflowVersion?: number;
  triggerType: string;
  eventId: string | null;
  bookingId: string | null;
  scheduledFor: string | null;
  decision: 'ran' | 'skipped';
  reason: string | null;
  status: string;
  steps: RunStep[];
  createdAt: string;
  finishedAt: string | null;
}

export interface DryRunStep {
  index: number;
  type: string;
  outcome: string | null;
  output: Record<string, unknown>;
  error: { code: string; message: string } | null;
}

export interface DryRun {
  decision: 'would_run' | 'would_skip';
  reason: string | null;
  scheduledFor: string | null;
  bookingId: string | null;
  language: string | null;
  steps: DryRunStep[];
}

export interface Message {
  id: string;
  runId: string | null;
  stepIdx: number | null;
  bookingId: string | null;
  channel: 'email' | 'sms' | 'webhook';
  recipient: string;
  subject: string | null;
  body: string;
  html: string | null;
  payload: unknown;
  status: string;
  providerId: string | null;
  providerStatus: string | null;
  response: unknown;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface Settings {
  id: string;
  name: string;
  timezone: string;
  defaultLanguage: string;
  adminEmail: string | null;
}

export interface Location { id: string; name: string; timezone: string }
export interface Service { id: string; name: string; durationMinutes: number }
export interface Resource { id: string; name: string; locationId: string; capacity: number; email: string | null; phone: string | null }
export interface Customer { id: string; name: string; email: string | null; phone: string | null; language: string | null; tier: string | null; optOut: string[] }

export interface Booking {
  id: string;
  customerId: string;
  resourceId: string;
  serviceId: string | null;
  startTime: string;
  endTime: string;
  seats: number;
  status: string;
  language: string | null;
  notes: string | null;
  createdAt: string;
}
