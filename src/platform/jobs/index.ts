export { JobQueue, type Job, type EnqueueInput } from './queue.js';
export { JobWorker, RetryLater, PermanentJobError, backoffMs, type JobHandler } from './worker.js';
export { DAY_MS, enqueueDueSchedules, type Schedule } from './schedules.js';
