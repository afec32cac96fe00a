import type { Job } from '../../platform/jobs/index.js';
import type { Logger } from '../../platform/log.js';
import { IMPORT_JOB, type IntegrationUsersService } from './service.js';

export { IMPORT_JOB };
export const VERIFY_SCHEDULE = 'integration-users.verify';

/** Job handler for CSV imports (declared in this module's manifest). */
export async function runImportJob(service: IntegrationUsersService, job: Job): Promise<void> {
  const { importId } = job.payload as { importId: number };
  try {
    await service.runImport(importId, job.orgId!);
  } catch (err) {
    if (job.attempts >= job.maxAttempts) await service.failImport(importId, job.orgId!, `The import stopped: ${(err as Error).message}`);
    throw err;
  }
}

/** Daily: refresh names, mark users who became inactive or were deleted in their ticketing system. */
export async function verifyAllUsers(service: IntegrationUsersService, log: Logger): Promise<void> {
  await service.verifyAll(log);
}
