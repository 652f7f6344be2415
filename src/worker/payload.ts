/** A job payload this version does not understand (jobs outlive deploys: fail loudly, never guess). */
export class PayloadError extends Error {
  constructor(task: string, payload: unknown) {
    super(`${task}: payload ${JSON.stringify(payload)} is not one this version understands`);
    this.name = 'PayloadError';
  }
}
