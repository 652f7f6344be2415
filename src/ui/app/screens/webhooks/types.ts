// Webhook subscriptions and deliveries as the API returns them.
export interface Subscription {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  filters: { locationIds: string[]; serviceIds: string[]; resourceIds: string[]; languages: string[] };
  enabled: boolean;
  disabledReason: 'gone' | 'failing' | null;
  disabledAt: string | null;
  failingSince: string | null;
  createdAt: string;
}

export interface Attempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number | null;
  responseBody: string | null;
  errorCode: string | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  webhookId: string;
  eventId: string | null;
  eventType: string;
  sequence: number;
  status: 'pending' | 'succeeded' | 'failed';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
  attempts: Attempt[];
  payload?: unknown;
}

export const eventsInWords = (types: string[]): string =>
  types.includes('*') ? 'Every event' : types.length > 3 ? `${types.slice(0, 3).join(', ')} and ${types.length - 3} more` : types.join(', ');
