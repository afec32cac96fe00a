export { JobQueue, type Job, type EnqueueInput } from './queue.js';
export { DEFAULT_LEASE_MS, JobWorker, MAX_INTERRUPTIONS, RetryLater, PermanentJobError, backoffMs, type JobHandler } from './worker.js';
export { DAY_MS, enqueueDueSchedules, type Schedule } from './schedules.js';
