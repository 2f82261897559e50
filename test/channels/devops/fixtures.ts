// Shared fixtures of the devops channel tests: a migrated SQLite database with two accounts' DevOps, git,
// mission and code-factory rows (also written into the real server of the end-to-end tests).

import type { Db } from '../../../src/db/prisma';
import { createTestDatabase } from '../../support/db';

/** The rows of one account. */
export interface AccountRows {
  accountId: string;
  devopsPipelineId: string;
  runId: string;
  stepIds: string[];
  credentialId: string;
  repositoryId: string;
  gitPipelineId: string;
  runningJobId: string;
  pendingJobId: string;
  completedJobId: string;
  /** A repository of the account without a credential, with its pipeline and a running job. */
  bareRepositoryId: string;
  barePipelineId: string;
  bareJobId: string;
  missionId: string;
  reviewStateId: string;
  contractId: string;
}

/** A migrated test database and the two accounts in it. */
export interface DevopsDb {
  db: Db;
  url: string;
  own: AccountRows;
  foreign: AccountRows;
  cleanup(): Promise<void>;
}

/** Create a fresh migrated SQLite database holding the devops rows of two accounts. */
export async function openDevopsDb(): Promise<DevopsDb> {
  const { db, url, cleanup } = await createTestDatabase('sqlite');
  const own = await seedAccountRows(db, 'Own');
  const foreign = await seedAccountRows(db, 'Foreign');
  return { db, url, own, foreign, cleanup };
}

/** Insert one account with every devops resource the channels look up. */
export async function seedAccountRows(db: Db, name: string): Promise<AccountRows> {
  const account = await db.account.create({ data: { name } });
  const accountId = account.id;
  const pipeline = await db.devopsPipeline.create({ data: { accountId, name: `${name} deploy` } });
  const run = await db.devopsPipelineRun.create({
    data: { devopsPipelineId: pipeline.id, runNumber: 7, status: 'running', triggerType: 'manual', startedAt: new Date('2026-03-15T09:29:28.123Z') },
  });
  const stepIds: string[] = [];
  for (const [position, status] of ['success', 'running', 'pending', 'pending'].entries()) {
    const step = await db.devopsStepExecution.create({ data: { devopsPipelineRunId: run.id, stepName: `step ${position}`, stepType: 'shell', position, status } });
    stepIds.push(step.id);
  }
  const credential = await db.gitProviderCredential.create({ data: { accountId, name: `${name} GitHub` } });
  const repository = await db.gitRepository.create({ data: { accountId, gitProviderCredentialId: credential.id, name: 'app', fullName: `${name}/app` } });
  const gitPipeline = await db.gitPipeline.create({ data: { accountId, gitRepositoryId: repository.id, name: 'CI' } });
  const job = (status: string, gitPipelineId = gitPipeline.id, conclusion: string | null = null) =>
    db.gitPipelineJob.create({ data: { accountId, gitPipelineId, name: `job ${status}`, status, conclusion } });
  const bareRepository = await db.gitRepository.create({ data: { accountId, name: 'bare', fullName: `${name}/bare` } });
  const barePipeline = await db.gitPipeline.create({ data: { accountId, gitRepositoryId: bareRepository.id, name: 'CI' } });
  const mission = await db.aiMission.create({ data: { accountId, name: `${name} mission`, status: 'active', currentPhase: 'planning' } });
  const contract = await db.aiCodeFactoryRiskContract.create({ data: { accountId, name: `${name} contract` } });
  const reviewState = await db.aiCodeFactoryReviewState.create({ data: { accountId, riskContractId: contract.id, prNumber: 42, headSha: 'abc1234' } });
  return {
    accountId,
    devopsPipelineId: pipeline.id,
    runId: run.id,
    stepIds,
    credentialId: credential.id,
    repositoryId: repository.id,
    gitPipelineId: gitPipeline.id,
    runningJobId: (await job('running')).id,
    pendingJobId: (await job('pending')).id,
    completedJobId: (await job('completed', gitPipeline.id, 'success')).id,
    bareRepositoryId: bareRepository.id,
    barePipelineId: barePipeline.id,
    bareJobId: (await job('running', barePipeline.id)).id,
    missionId: mission.id,
    reviewStateId: reviewState.id,
    contractId: contract.id,
  };
}
