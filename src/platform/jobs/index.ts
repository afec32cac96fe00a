export { JobQueue, type Job, type EnqueueInput } from './queue.js';
export { JobWorker, RetryLater, PermanentJobError, backoffMs, type JobHandler } from './worker.js';
export { enqueueDueSchedules, type Schedule } from './schedules.js';
