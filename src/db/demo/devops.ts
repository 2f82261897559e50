// Demo DevOps and Git rows of one account: a pipeline with a run and its steps, and a Git job under its pipeline
// under its repository, which has a provider credential.

import { seedTime } from './ids';
import type { DemoAccount, DemoRowsPart } from './types';

/** DevOps pipelines and the Git chain of `a`. */
export function devopsRows(a: DemoAccount): DemoRowsPart {
  return { ...pipelineRows(a), ...gitRows(a) };
}

function pipelineRows(a: DemoAccount): DemoRowsPart {
  const run = a.ids('devops-run');
  return {
    devopsPipeline: [{ id: a.ids('devops-pipeline'), accountId: a.id, name: 'Build and deploy', pipelineType: 'cd', createdAt: seedTime(90) }],
    devopsPipelineRun: [{ id: run, devopsPipelineId: a.ids('devops-pipeline'), runNumber: 1, status: 'running', triggerType: 'push', startedAt: seedTime(91), createdAt: seedTime(91) }],
    devopsStepExecution: [
      { id: a.ids('devops-step:build'), devopsPipelineRunId: run, stepName: 'build', stepType: 'build', position: 0, status: 'success', startedAt: seedTime(91), completedAt: seedTime(93), createdAt: seedTime(91) },
      { id: a.ids('devops-step:deploy'), devopsPipelineRunId: run, stepName: 'deploy', stepType: 'deploy', position: 1, status: 'running', startedAt: seedTime(93), createdAt: seedTime(91) },
    ],
  };
}

function gitRows(a: DemoAccount): DemoRowsPart {
  return {
    gitProviderCredential: [{ id: a.ids('git-credential'), accountId: a.id, name: 'GitHub', providerType: 'github', isDefault: true, createdAt: seedTime(95) }],
    gitRepository: [{ id: a.ids('git-repository'), accountId: a.id, gitProviderCredentialId: a.ids('git-credential'), name: 'app', fullName: `${a.key}/app`, externalId: '1001', createdAt: seedTime(95) }],
    gitPipeline: [
      { id: a.ids('git-pipeline'), accountId: a.id, gitRepositoryId: a.ids('git-repository'), externalId: '2001', name: 'CI', status: 'in_progress', branch: 'main', headSha: 'abc123def456', runNumber: 7, createdAt: seedTime(96) },
    ],
    gitPipelineJob: [{ id: a.ids('git-job'), accountId: a.id, gitPipelineId: a.ids('git-pipeline'), externalId: '3001', name: 'test', status: 'running', startedAt: seedTime(97), createdAt: seedTime(97) }],
  };
}
