import type { AppContext } from '../../app-context.js';
import type { Job } from '../../platform/jobs/index.js';
import { IMPORT_JOB } from './service.js';

export { IMPORT_JOB };
export const VERIFY_SCHEDULE = 'integration-users.verify';

/** Job handler for CSV imports (registered in src/background.ts). */
export async function runImportJob(ctx: AppContext, job: Job): Promise<void> {
  const { importId } = job.payload as { importId: number };
  try {
    await ctx.integrationUsers.runImport(importId, job.orgId!);
  } catch (err) {
    if (job.attempts >= job.maxAttempts) await ctx.integrationUsers.failImport(importId, job.orgId!, `The import stopped: ${(err as Error).message}`);
    throw err;
  }
}

/** Daily: refresh names, mark users who became inactive or were deleted in their ticketing system. */
export async function verifyAllUsers(ctx: AppContext): Promise<void> {
  await ctx.integrationUsers.verifyAll(ctx.log as never);
}
