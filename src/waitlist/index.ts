// The waitlist: built-in triggers, the waitlist.fill action and default workflows on top of the engine, plus the
// facility waitlist API (REST in src/api/routes/facility-waitlist.ts, GraphQL in src/api/graphql.ts).
import './defaults.js';
import './links.js';
export { mountOfferLinks } from './links.js';
export { waitlistTasks, WAITLIST_CRONTAB, fillFromWaitlist, previewFill } from './service.js';
