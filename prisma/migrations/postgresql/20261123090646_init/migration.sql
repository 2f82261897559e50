-- CreateTable
CREATE TABLE "accounts" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "subdomain" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'active',
    "email_verified" BOOLEAN NOT NULL DEFAULT false,
    "last_login_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "roles" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "roles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "permissions" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "permissions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role_permissions" (
    "role_id" UUID NOT NULL,
    "permission_id" UUID NOT NULL,

    CONSTRAINT "role_permissions_pkey" PRIMARY KEY ("role_id","permission_id")
);

-- CreateTable
CREATE TABLE "user_roles" (
    "user_id" UUID NOT NULL,
    "role_id" UUID NOT NULL,

    CONSTRAINT "user_roles_pkey" PRIMARY KEY ("user_id","role_id")
);

-- CreateTable
CREATE TABLE "worker_roles" (
    "worker_id" UUID NOT NULL,
    "role_id" UUID NOT NULL,

    CONSTRAINT "worker_roles_pkey" PRIMARY KEY ("worker_id","role_id")
);

-- CreateTable
CREATE TABLE "workers" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "is_system" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'active',
    "node_instance_id" UUID,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "token_digest" TEXT NOT NULL,
    "token_type" TEXT NOT NULL DEFAULT 'access',
    "name" TEXT,
    "revoked_at" TIMESTAMP(6),
    "expires_at" TIMESTAMP(6),
    "last_used_at" TIMESTAMP(6),
    "last_used_ip" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "user_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jwt_blacklists" (
    "id" UUID NOT NULL,
    "jti" TEXT NOT NULL,
    "user_id" UUID,
    "user_blacklist" BOOLEAN NOT NULL DEFAULT false,
    "expires_at" TIMESTAMP(6) NOT NULL,
    "reason" TEXT,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "jwt_blacklists_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_agents" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "agent_type" TEXT NOT NULL DEFAULT 'assistant',
    "status" TEXT NOT NULL DEFAULT 'active',
    "provider" TEXT,
    "model" TEXT,
    "configuration" JSONB,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_agents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_agent_executions" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "ai_agent_id" UUID NOT NULL,
    "user_id" UUID,
    "execution_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "duration_ms" INTEGER,
    "cost_usd" DECIMAL(65,30),
    "tokens_used" INTEGER,
    "input_parameters" JSONB,
    "output_data" JSONB,
    "error_details" JSONB,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_agent_executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_conversations" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "ai_agent_id" UUID,
    "agent_team_id" UUID,
    "conversation_id" TEXT NOT NULL,
    "title" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "conversation_type" TEXT NOT NULL DEFAULT 'chat',
    "is_collaborative" BOOLEAN NOT NULL DEFAULT false,
    "participants" JSONB,
    "websocket_channel" TEXT,
    "message_count" INTEGER NOT NULL DEFAULT 0,
    "pinned" BOOLEAN NOT NULL DEFAULT false,
    "pinned_at" TIMESTAMP(6),
    "tags" JSONB,
    "metadata" JSONB,
    "last_activity_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_conversations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_messages" (
    "id" UUID NOT NULL,
    "ai_conversation_id" UUID NOT NULL,
    "message_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "sequence_number" INTEGER NOT NULL,
    "user_id" UUID,
    "ai_agent_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'completed',
    "metadata" JSONB,
    "tokens_used" INTEGER NOT NULL DEFAULT 0,
    "cost_estimate" DECIMAL(65,30),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_agent_teams" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "team_type" TEXT NOT NULL DEFAULT 'hierarchical',
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_agent_teams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_team_roles" (
    "id" UUID NOT NULL,
    "agent_team_id" UUID NOT NULL,
    "ai_agent_id" UUID,
    "role_name" TEXT NOT NULL,
    "role_type" TEXT NOT NULL DEFAULT 'worker',
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_team_roles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_team_channels" (
    "id" UUID NOT NULL,
    "agent_team_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "channel_type" TEXT NOT NULL DEFAULT 'broadcast',
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_team_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_team_messages" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "team_execution_id" UUID,
    "from_role_id" UUID,
    "to_role_id" UUID,
    "user_id" UUID,
    "content" TEXT NOT NULL,
    "message_type" TEXT NOT NULL DEFAULT 'message',
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "requires_response" BOOLEAN NOT NULL DEFAULT false,
    "responded_at" TIMESTAMP(6),
    "sequence_number" INTEGER NOT NULL,
    "metadata" JSONB,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_team_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_team_executions" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "agent_team_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "objective" TEXT,
    "control_signal" TEXT,
    "redirect_instructions" TEXT,
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_team_executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_ralph_loops" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "current_iteration" INTEGER NOT NULL DEFAULT 0,
    "max_iterations" INTEGER,
    "task_count" INTEGER NOT NULL DEFAULT 0,
    "completed_task_count" INTEGER NOT NULL DEFAULT 0,
    "configuration" JSONB,
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_ralph_loops_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_worktree_sessions" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "repository_path" TEXT NOT NULL,
    "base_branch" TEXT NOT NULL DEFAULT 'main',
    "merge_strategy" TEXT NOT NULL DEFAULT 'sequential',
    "max_parallel" INTEGER NOT NULL DEFAULT 4,
    "total_worktrees" INTEGER NOT NULL DEFAULT 0,
    "completed_worktrees" INTEGER NOT NULL DEFAULT 0,
    "failed_worktrees" INTEGER NOT NULL DEFAULT 0,
    "source_type" TEXT,
    "source_id" UUID,
    "execution_mode" TEXT,
    "max_duration_seconds" INTEGER,
    "conflict_matrix" JSONB,
    "error_message" TEXT,
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "duration_ms" INTEGER,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_worktree_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_worktrees" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "worktree_session_id" UUID NOT NULL,
    "branch_name" TEXT NOT NULL,
    "worktree_path" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error_message" TEXT,
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "duration_ms" INTEGER,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_worktrees_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_circuit_breakers" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "agent_id" UUID,
    "name" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'closed',
    "failure_count" INTEGER NOT NULL DEFAULT 0,
    "success_count" INTEGER NOT NULL DEFAULT 0,
    "failure_threshold" INTEGER NOT NULL DEFAULT 5,
    "timeout_seconds" INTEGER NOT NULL DEFAULT 60,
    "last_failure_at" TIMESTAMP(6),
    "opened_at" TIMESTAMP(6),
    "metadata" JSONB,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_circuit_breakers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "circuit_breakers" (
    "id" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'closed',
    "failure_count" INTEGER NOT NULL DEFAULT 0,
    "success_count" INTEGER NOT NULL DEFAULT 0,
    "failure_threshold" INTEGER NOT NULL DEFAULT 5,
    "last_failure_at" TIMESTAMP(6),
    "opened_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "circuit_breakers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_missions" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "mission_type" TEXT NOT NULL DEFAULT 'development',
    "status" TEXT NOT NULL DEFAULT 'draft',
    "current_phase" TEXT,
    "phase_progress" JSONB,
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_missions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_workflows" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "visibility" TEXT NOT NULL DEFAULT 'private',
    "workflow_type" TEXT NOT NULL DEFAULT 'standard',
    "configuration" JSONB,
    "version" TEXT NOT NULL DEFAULT '1.0.0',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_by" UUID,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_workflows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_workflow_nodes" (
    "id" UUID NOT NULL,
    "ai_workflow_id" UUID NOT NULL,
    "node_id" TEXT NOT NULL,
    "node_type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position_x" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "position_y" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "configuration" JSONB,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_workflow_nodes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_workflow_edges" (
    "id" UUID NOT NULL,
    "ai_workflow_id" UUID NOT NULL,
    "edge_id" TEXT NOT NULL,
    "source_node_id" TEXT NOT NULL,
    "target_node_id" TEXT NOT NULL,
    "edge_type" TEXT NOT NULL DEFAULT 'default',
    "configuration" JSONB,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_workflow_edges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_workflow_runs" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "ai_workflow_id" UUID NOT NULL,
    "run_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'initializing',
    "trigger_type" TEXT NOT NULL DEFAULT 'manual',
    "triggered_by_user_id" UUID,
    "total_nodes" INTEGER NOT NULL DEFAULT 0,
    "completed_nodes" INTEGER NOT NULL DEFAULT 0,
    "failed_nodes" INTEGER NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(65,30),
    "duration_ms" INTEGER,
    "input_variables" JSONB,
    "output_variables" JSONB,
    "error_details" JSONB,
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_workflow_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "batch_workflow_runs" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "batch_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "total_workflows" INTEGER NOT NULL DEFAULT 0,
    "completed_workflows" INTEGER NOT NULL DEFAULT 0,
    "successful_workflows" INTEGER NOT NULL DEFAULT 0,
    "failed_workflows" INTEGER NOT NULL DEFAULT 0,
    "running_workflows" INTEGER NOT NULL DEFAULT 0,
    "pending_workflows" INTEGER NOT NULL DEFAULT 0,
    "workflows" JSONB,
    "configuration" JSONB,
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "estimated_completion_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "batch_workflow_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_code_factory_risk_contracts" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "version" INTEGER NOT NULL DEFAULT 1,
    "rules" JSONB,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_code_factory_risk_contracts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_code_factory_review_states" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "risk_contract_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "pr_number" INTEGER,
    "head_sha" TEXT,
    "risk_tier" TEXT,
    "metadata" JSONB,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "ai_code_factory_review_states_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "devops_pipelines" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "pipeline_type" TEXT NOT NULL DEFAULT 'ci',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "devops_pipelines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "devops_pipeline_runs" (
    "id" UUID NOT NULL,
    "devops_pipeline_id" UUID NOT NULL,
    "run_number" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "trigger_type" TEXT NOT NULL DEFAULT 'manual',
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "duration_seconds" INTEGER,
    "error_message" TEXT,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "devops_pipeline_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "devops_step_executions" (
    "id" UUID NOT NULL,
    "devops_pipeline_run_id" UUID NOT NULL,
    "step_name" TEXT NOT NULL,
    "step_type" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "error_message" TEXT,
    "outputs" JSONB,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "devops_step_executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "git_provider_credentials" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "provider_type" TEXT NOT NULL DEFAULT 'github',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "git_provider_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "git_repositories" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "git_provider_credential_id" UUID,
    "name" TEXT NOT NULL,
    "full_name" TEXT NOT NULL,
    "default_branch" TEXT NOT NULL DEFAULT 'main',
    "external_id" TEXT,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "git_repositories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "git_pipelines" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "git_repository_id" UUID NOT NULL,
    "external_id" TEXT,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "conclusion" TEXT,
    "branch" TEXT,
    "head_sha" TEXT,
    "run_number" INTEGER,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "git_pipelines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "git_pipeline_jobs" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "git_pipeline_id" UUID NOT NULL,
    "external_id" TEXT,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "conclusion" TEXT,
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "git_pipeline_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_venues" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "venue_type" TEXT NOT NULL DEFAULT 'exchange',
    "status" TEXT NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "trading_venues_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_venue_tickers" (
    "id" UUID NOT NULL,
    "trading_venue_id" UUID NOT NULL,
    "pair" TEXT NOT NULL,
    "last_price" DECIMAL(65,30),
    "bid" DECIMAL(65,30),
    "ask" DECIMAL(65,30),
    "volume_24h" DECIMAL(65,30),
    "fetched_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "trading_venue_tickers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_portfolios" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "trading_venue_id" UUID,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "mode" TEXT NOT NULL DEFAULT 'paper',
    "base_currency" TEXT NOT NULL DEFAULT 'USD',
    "initial_capital" DECIMAL(65,30),
    "current_value" DECIMAL(65,30),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "trading_portfolios_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_strategies" (
    "id" UUID NOT NULL,
    "trading_portfolio_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "strategy_type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "pair" TEXT,
    "config" JSONB,
    "total_cost_usd" DECIMAL(65,30),
    "current_pnl_usd" DECIMAL(65,30),
    "open_positions" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "trading_strategies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_training_sessions" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "trading_portfolio_id" UUID,
    "trading_venue_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "mode" TEXT NOT NULL DEFAULT 'backtest',
    "completed_ticks" INTEGER NOT NULL DEFAULT 0,
    "total_ticks" INTEGER NOT NULL DEFAULT 0,
    "tick_interval" TEXT,
    "market_count" INTEGER NOT NULL DEFAULT 0,
    "strategy_types" JSONB,
    "include_classic" BOOLEAN NOT NULL DEFAULT false,
    "completion_requested" BOOLEAN NOT NULL DEFAULT false,
    "config" JSONB,
    "metrics" JSONB,
    "timeline" JSONB,
    "results" JSONB,
    "error_message" TEXT,
    "last_heartbeat_at" TIMESTAMP(6),
    "ends_at" TIMESTAMP(6),
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "trading_training_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_signals" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "trading_strategy_id" UUID NOT NULL,
    "trading_training_session_id" UUID,
    "tick_num" INTEGER,
    "signal_type" TEXT NOT NULL,
    "pair" TEXT,
    "price" DECIMAL(65,30),
    "confidence" DECIMAL(65,30),
    "metadata" JSONB,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trading_signals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_tick_results" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "trading_strategy_id" UUID NOT NULL,
    "trading_training_session_id" UUID,
    "tick_num" INTEGER,
    "success" BOOLEAN NOT NULL DEFAULT true,
    "signals_generated" INTEGER NOT NULL DEFAULT 0,
    "orders_submitted" INTEGER NOT NULL DEFAULT 0,
    "open_positions" INTEGER NOT NULL DEFAULT 0,
    "current_pnl_usd" DECIMAL(65,30),
    "tick_cost_usd" DECIMAL(65,30),
    "market_data" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trading_tick_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "supply_chain_sboms" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "sbom_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT,
    "format" TEXT NOT NULL DEFAULT 'cyclonedx',
    "component_count" INTEGER NOT NULL DEFAULT 0,
    "vulnerability_count" INTEGER NOT NULL DEFAULT 0,
    "risk_score" DECIMAL(65,30),
    "ntia_minimum_compliant" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "supply_chain_sboms_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "supply_chain_attestations" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "attestation_id" TEXT NOT NULL,
    "attestation_type" TEXT NOT NULL,
    "slsa_level" INTEGER,
    "subject_name" TEXT NOT NULL,
    "signed" BOOLEAN NOT NULL DEFAULT false,
    "verified" BOOLEAN NOT NULL DEFAULT false,
    "signing_key_id" UUID,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "supply_chain_attestations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "user_id" UUID,
    "notification_type" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "severity" TEXT NOT NULL DEFAULT 'info',
    "action_url" TEXT,
    "action_label" TEXT,
    "icon" TEXT,
    "category" TEXT,
    "metadata" JSONB,
    "read_at" TIMESTAMP(6),
    "dismissed_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plans" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL DEFAULT 0,
    "billing_cycle" TEXT NOT NULL DEFAULT 'monthly',
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "features" JSONB,
    "status" TEXT NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscriptions" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "plan_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'active',
    "current_period_start" TIMESTAMP(6),
    "current_period_end" TIMESTAMP(6),
    "trial_ends_at" TIMESTAMP(6),
    "canceled_at" TIMESTAMP(6),
    "ends_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "analytics_alerts" (
    "id" UUID NOT NULL,
    "account_id" UUID,
    "name" TEXT NOT NULL,
    "alert_type" TEXT NOT NULL,
    "metric_name" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "threshold_value" DECIMAL(65,30) NOT NULL,
    "current_value" DECIMAL(65,30),
    "status" TEXT NOT NULL DEFAULT 'active',
    "trigger_count" INTEGER NOT NULL DEFAULT 0,
    "last_triggered_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "analytics_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mcp_tools" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "tool_type" TEXT NOT NULL DEFAULT 'platform',
    "input_schema" JSONB,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "mcp_tools_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "system_operations" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "user_id" UUID,
    "operation_type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "message" TEXT,
    "metadata" JSONB,
    "result" JSONB,
    "error_message" TEXT,
    "started_at" TIMESTAMP(6),
    "completed_at" TIMESTAMP(6),
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "system_operations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cable_job_outbox" (
    "id" UUID NOT NULL,
    "account_id" UUID,
    "worker_id" UUID,
    "job_class" TEXT NOT NULL,
    "args" JSONB NOT NULL,
    "queue" TEXT NOT NULL DEFAULT 'default',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMP(6),

    CONSTRAINT "cable_job_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "accounts_subdomain_key" ON "accounts"("subdomain");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "users_account_id_idx" ON "users"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "roles_name_key" ON "roles"("name");

-- CreateIndex
CREATE UNIQUE INDEX "permissions_name_key" ON "permissions"("name");

-- CreateIndex
CREATE INDEX "role_permissions_permission_id_idx" ON "role_permissions"("permission_id");

-- CreateIndex
CREATE INDEX "user_roles_role_id_idx" ON "user_roles"("role_id");

-- CreateIndex
CREATE INDEX "worker_roles_role_id_idx" ON "worker_roles"("role_id");

-- CreateIndex
CREATE UNIQUE INDEX "workers_node_instance_id_key" ON "workers"("node_instance_id");

-- CreateIndex
CREATE INDEX "workers_account_id_idx" ON "workers"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "user_tokens_token_digest_key" ON "user_tokens"("token_digest");

-- CreateIndex
CREATE INDEX "user_tokens_user_id_idx" ON "user_tokens"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "jwt_blacklists_jti_key" ON "jwt_blacklists"("jti");

-- CreateIndex
CREATE INDEX "jwt_blacklists_user_id_idx" ON "jwt_blacklists"("user_id");

-- CreateIndex
CREATE INDEX "jwt_blacklists_expires_at_idx" ON "jwt_blacklists"("expires_at");

-- CreateIndex
CREATE INDEX "ai_agents_account_id_idx" ON "ai_agents"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "ai_agent_executions_execution_id_key" ON "ai_agent_executions"("execution_id");

-- CreateIndex
CREATE INDEX "ai_agent_executions_account_id_idx" ON "ai_agent_executions"("account_id");

-- CreateIndex
CREATE INDEX "ai_agent_executions_ai_agent_id_created_at_idx" ON "ai_agent_executions"("ai_agent_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "ai_conversations_conversation_id_key" ON "ai_conversations"("conversation_id");

-- CreateIndex
CREATE INDEX "ai_conversations_account_id_last_activity_at_idx" ON "ai_conversations"("account_id", "last_activity_at");

-- CreateIndex
CREATE INDEX "ai_conversations_user_id_idx" ON "ai_conversations"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "ai_messages_message_id_key" ON "ai_messages"("message_id");

-- CreateIndex
CREATE UNIQUE INDEX "ai_messages_ai_conversation_id_sequence_number_key" ON "ai_messages"("ai_conversation_id", "sequence_number");

-- CreateIndex
CREATE INDEX "ai_agent_teams_account_id_idx" ON "ai_agent_teams"("account_id");

-- CreateIndex
CREATE INDEX "ai_team_roles_agent_team_id_idx" ON "ai_team_roles"("agent_team_id");

-- CreateIndex
CREATE INDEX "ai_team_channels_agent_team_id_idx" ON "ai_team_channels"("agent_team_id");

-- CreateIndex
CREATE INDEX "ai_team_messages_channel_id_sequence_number_idx" ON "ai_team_messages"("channel_id", "sequence_number");

-- CreateIndex
CREATE INDEX "ai_team_executions_account_id_idx" ON "ai_team_executions"("account_id");

-- CreateIndex
CREATE INDEX "ai_team_executions_agent_team_id_idx" ON "ai_team_executions"("agent_team_id");

-- CreateIndex
CREATE INDEX "ai_ralph_loops_account_id_idx" ON "ai_ralph_loops"("account_id");

-- CreateIndex
CREATE INDEX "ai_worktree_sessions_account_id_idx" ON "ai_worktree_sessions"("account_id");

-- CreateIndex
CREATE INDEX "ai_worktrees_account_id_idx" ON "ai_worktrees"("account_id");

-- CreateIndex
CREATE INDEX "ai_worktrees_worktree_session_id_idx" ON "ai_worktrees"("worktree_session_id");

-- CreateIndex
CREATE INDEX "ai_circuit_breakers_account_id_idx" ON "ai_circuit_breakers"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "circuit_breakers_service_name_key" ON "circuit_breakers"("service", "name");

-- CreateIndex
CREATE INDEX "ai_missions_account_id_idx" ON "ai_missions"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "ai_workflows_account_id_slug_key" ON "ai_workflows"("account_id", "slug");

-- CreateIndex
CREATE UNIQUE INDEX "ai_workflow_nodes_ai_workflow_id_node_id_key" ON "ai_workflow_nodes"("ai_workflow_id", "node_id");

-- CreateIndex
CREATE UNIQUE INDEX "ai_workflow_edges_ai_workflow_id_edge_id_key" ON "ai_workflow_edges"("ai_workflow_id", "edge_id");

-- CreateIndex
CREATE UNIQUE INDEX "ai_workflow_runs_run_id_key" ON "ai_workflow_runs"("run_id");

-- CreateIndex
CREATE INDEX "ai_workflow_runs_account_id_status_idx" ON "ai_workflow_runs"("account_id", "status");

-- CreateIndex
CREATE INDEX "ai_workflow_runs_ai_workflow_id_idx" ON "ai_workflow_runs"("ai_workflow_id");

-- CreateIndex
CREATE UNIQUE INDEX "batch_workflow_runs_batch_id_key" ON "batch_workflow_runs"("batch_id");

-- CreateIndex
CREATE INDEX "batch_workflow_runs_account_id_idx" ON "batch_workflow_runs"("account_id");

-- CreateIndex
CREATE INDEX "ai_code_factory_risk_contracts_account_id_idx" ON "ai_code_factory_risk_contracts"("account_id");

-- CreateIndex
CREATE INDEX "ai_code_factory_review_states_account_id_idx" ON "ai_code_factory_review_states"("account_id");

-- CreateIndex
CREATE INDEX "devops_pipelines_account_id_idx" ON "devops_pipelines"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "devops_pipeline_runs_devops_pipeline_id_run_number_key" ON "devops_pipeline_runs"("devops_pipeline_id", "run_number");

-- CreateIndex
CREATE INDEX "devops_step_executions_devops_pipeline_run_id_position_idx" ON "devops_step_executions"("devops_pipeline_run_id", "position");

-- CreateIndex
CREATE INDEX "git_provider_credentials_account_id_idx" ON "git_provider_credentials"("account_id");

-- CreateIndex
CREATE INDEX "git_repositories_account_id_idx" ON "git_repositories"("account_id");

-- CreateIndex
CREATE INDEX "git_pipelines_account_id_idx" ON "git_pipelines"("account_id");

-- CreateIndex
CREATE INDEX "git_pipelines_git_repository_id_idx" ON "git_pipelines"("git_repository_id");

-- CreateIndex
CREATE INDEX "git_pipeline_jobs_account_id_idx" ON "git_pipeline_jobs"("account_id");

-- CreateIndex
CREATE INDEX "git_pipeline_jobs_git_pipeline_id_idx" ON "git_pipeline_jobs"("git_pipeline_id");

-- CreateIndex
CREATE UNIQUE INDEX "trading_venues_slug_key" ON "trading_venues"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "trading_venue_tickers_trading_venue_id_pair_key" ON "trading_venue_tickers"("trading_venue_id", "pair");

-- CreateIndex
CREATE INDEX "trading_portfolios_account_id_idx" ON "trading_portfolios"("account_id");

-- CreateIndex
CREATE INDEX "trading_strategies_trading_portfolio_id_idx" ON "trading_strategies"("trading_portfolio_id");

-- CreateIndex
CREATE INDEX "trading_training_sessions_account_id_idx" ON "trading_training_sessions"("account_id");

-- CreateIndex
CREATE INDEX "trading_signals_account_id_idx" ON "trading_signals"("account_id");

-- CreateIndex
CREATE INDEX "trading_signals_trading_strategy_id_created_at_idx" ON "trading_signals"("trading_strategy_id", "created_at");

-- CreateIndex
CREATE INDEX "trading_tick_results_account_id_idx" ON "trading_tick_results"("account_id");

-- CreateIndex
CREATE INDEX "trading_tick_results_trading_strategy_id_created_at_idx" ON "trading_tick_results"("trading_strategy_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "supply_chain_sboms_sbom_id_key" ON "supply_chain_sboms"("sbom_id");

-- CreateIndex
CREATE INDEX "supply_chain_sboms_account_id_idx" ON "supply_chain_sboms"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "supply_chain_attestations_attestation_id_key" ON "supply_chain_attestations"("attestation_id");

-- CreateIndex
CREATE INDEX "supply_chain_attestations_account_id_idx" ON "supply_chain_attestations"("account_id");

-- CreateIndex
CREATE INDEX "notifications_account_id_created_at_idx" ON "notifications"("account_id", "created_at");

-- CreateIndex
CREATE INDEX "notifications_user_id_read_at_idx" ON "notifications"("user_id", "read_at");

-- CreateIndex
CREATE INDEX "subscriptions_account_id_idx" ON "subscriptions"("account_id");

-- CreateIndex
CREATE INDEX "analytics_alerts_account_id_idx" ON "analytics_alerts"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "mcp_tools_account_id_name_key" ON "mcp_tools"("account_id", "name");

-- CreateIndex
CREATE INDEX "system_operations_account_id_created_at_idx" ON "system_operations"("account_id", "created_at");

-- CreateIndex
CREATE INDEX "cable_job_outbox_status_created_at_idx" ON "cable_job_outbox"("status", "created_at");

-- CreateIndex
CREATE INDEX "cable_job_outbox_account_id_idx" ON "cable_job_outbox"("account_id");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_permissions" ADD CONSTRAINT "role_permissions_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_permissions" ADD CONSTRAINT "role_permissions_permission_id_fkey" FOREIGN KEY ("permission_id") REFERENCES "permissions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "worker_roles" ADD CONSTRAINT "worker_roles_worker_id_fkey" FOREIGN KEY ("worker_id") REFERENCES "workers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "worker_roles" ADD CONSTRAINT "worker_roles_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workers" ADD CONSTRAINT "workers_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_tokens" ADD CONSTRAINT "user_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jwt_blacklists" ADD CONSTRAINT "jwt_blacklists_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_agents" ADD CONSTRAINT "ai_agents_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_agent_executions" ADD CONSTRAINT "ai_agent_executions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_agent_executions" ADD CONSTRAINT "ai_agent_executions_ai_agent_id_fkey" FOREIGN KEY ("ai_agent_id") REFERENCES "ai_agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_agent_executions" ADD CONSTRAINT "ai_agent_executions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_conversations" ADD CONSTRAINT "ai_conversations_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_conversations" ADD CONSTRAINT "ai_conversations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_conversations" ADD CONSTRAINT "ai_conversations_ai_agent_id_fkey" FOREIGN KEY ("ai_agent_id") REFERENCES "ai_agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_conversations" ADD CONSTRAINT "ai_conversations_agent_team_id_fkey" FOREIGN KEY ("agent_team_id") REFERENCES "ai_agent_teams"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_messages" ADD CONSTRAINT "ai_messages_ai_conversation_id_fkey" FOREIGN KEY ("ai_conversation_id") REFERENCES "ai_conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_messages" ADD CONSTRAINT "ai_messages_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_messages" ADD CONSTRAINT "ai_messages_ai_agent_id_fkey" FOREIGN KEY ("ai_agent_id") REFERENCES "ai_agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_agent_teams" ADD CONSTRAINT "ai_agent_teams_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_team_roles" ADD CONSTRAINT "ai_team_roles_agent_team_id_fkey" FOREIGN KEY ("agent_team_id") REFERENCES "ai_agent_teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_team_roles" ADD CONSTRAINT "ai_team_roles_ai_agent_id_fkey" FOREIGN KEY ("ai_agent_id") REFERENCES "ai_agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_team_channels" ADD CONSTRAINT "ai_team_channels_agent_team_id_fkey" FOREIGN KEY ("agent_team_id") REFERENCES "ai_agent_teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_team_messages" ADD CONSTRAINT "ai_team_messages_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "ai_team_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_team_messages" ADD CONSTRAINT "ai_team_messages_team_execution_id_fkey" FOREIGN KEY ("team_execution_id") REFERENCES "ai_team_executions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_team_messages" ADD CONSTRAINT "ai_team_messages_from_role_id_fkey" FOREIGN KEY ("from_role_id") REFERENCES "ai_team_roles"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_team_messages" ADD CONSTRAINT "ai_team_messages_to_role_id_fkey" FOREIGN KEY ("to_role_id") REFERENCES "ai_team_roles"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_team_messages" ADD CONSTRAINT "ai_team_messages_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_team_executions" ADD CONSTRAINT "ai_team_executions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_team_executions" ADD CONSTRAINT "ai_team_executions_agent_team_id_fkey" FOREIGN KEY ("agent_team_id") REFERENCES "ai_agent_teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_ralph_loops" ADD CONSTRAINT "ai_ralph_loops_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_worktree_sessions" ADD CONSTRAINT "ai_worktree_sessions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_worktrees" ADD CONSTRAINT "ai_worktrees_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_worktrees" ADD CONSTRAINT "ai_worktrees_worktree_session_id_fkey" FOREIGN KEY ("worktree_session_id") REFERENCES "ai_worktree_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_circuit_breakers" ADD CONSTRAINT "ai_circuit_breakers_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_circuit_breakers" ADD CONSTRAINT "ai_circuit_breakers_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "ai_agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_missions" ADD CONSTRAINT "ai_missions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_workflows" ADD CONSTRAINT "ai_workflows_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_workflows" ADD CONSTRAINT "ai_workflows_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_workflow_nodes" ADD CONSTRAINT "ai_workflow_nodes_ai_workflow_id_fkey" FOREIGN KEY ("ai_workflow_id") REFERENCES "ai_workflows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_workflow_edges" ADD CONSTRAINT "ai_workflow_edges_ai_workflow_id_fkey" FOREIGN KEY ("ai_workflow_id") REFERENCES "ai_workflows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_workflow_runs" ADD CONSTRAINT "ai_workflow_runs_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_workflow_runs" ADD CONSTRAINT "ai_workflow_runs_ai_workflow_id_fkey" FOREIGN KEY ("ai_workflow_id") REFERENCES "ai_workflows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_workflow_runs" ADD CONSTRAINT "ai_workflow_runs_triggered_by_user_id_fkey" FOREIGN KEY ("triggered_by_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "batch_workflow_runs" ADD CONSTRAINT "batch_workflow_runs_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_code_factory_risk_contracts" ADD CONSTRAINT "ai_code_factory_risk_contracts_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_code_factory_review_states" ADD CONSTRAINT "ai_code_factory_review_states_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_code_factory_review_states" ADD CONSTRAINT "ai_code_factory_review_states_risk_contract_id_fkey" FOREIGN KEY ("risk_contract_id") REFERENCES "ai_code_factory_risk_contracts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devops_pipelines" ADD CONSTRAINT "devops_pipelines_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devops_pipeline_runs" ADD CONSTRAINT "devops_pipeline_runs_devops_pipeline_id_fkey" FOREIGN KEY ("devops_pipeline_id") REFERENCES "devops_pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devops_step_executions" ADD CONSTRAINT "devops_step_executions_devops_pipeline_run_id_fkey" FOREIGN KEY ("devops_pipeline_run_id") REFERENCES "devops_pipeline_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "git_provider_credentials" ADD CONSTRAINT "git_provider_credentials_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "git_repositories" ADD CONSTRAINT "git_repositories_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "git_repositories" ADD CONSTRAINT "git_repositories_git_provider_credential_id_fkey" FOREIGN KEY ("git_provider_credential_id") REFERENCES "git_provider_credentials"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "git_pipelines" ADD CONSTRAINT "git_pipelines_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "git_pipelines" ADD CONSTRAINT "git_pipelines_git_repository_id_fkey" FOREIGN KEY ("git_repository_id") REFERENCES "git_repositories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "git_pipeline_jobs" ADD CONSTRAINT "git_pipeline_jobs_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "git_pipeline_jobs" ADD CONSTRAINT "git_pipeline_jobs_git_pipeline_id_fkey" FOREIGN KEY ("git_pipeline_id") REFERENCES "git_pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_venue_tickers" ADD CONSTRAINT "trading_venue_tickers_trading_venue_id_fkey" FOREIGN KEY ("trading_venue_id") REFERENCES "trading_venues"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_portfolios" ADD CONSTRAINT "trading_portfolios_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_portfolios" ADD CONSTRAINT "trading_portfolios_trading_venue_id_fkey" FOREIGN KEY ("trading_venue_id") REFERENCES "trading_venues"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_strategies" ADD CONSTRAINT "trading_strategies_trading_portfolio_id_fkey" FOREIGN KEY ("trading_portfolio_id") REFERENCES "trading_portfolios"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_training_sessions" ADD CONSTRAINT "trading_training_sessions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_training_sessions" ADD CONSTRAINT "trading_training_sessions_trading_portfolio_id_fkey" FOREIGN KEY ("trading_portfolio_id") REFERENCES "trading_portfolios"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_training_sessions" ADD CONSTRAINT "trading_training_sessions_trading_venue_id_fkey" FOREIGN KEY ("trading_venue_id") REFERENCES "trading_venues"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_signals" ADD CONSTRAINT "trading_signals_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_signals" ADD CONSTRAINT "trading_signals_trading_strategy_id_fkey" FOREIGN KEY ("trading_strategy_id") REFERENCES "trading_strategies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_signals" ADD CONSTRAINT "trading_signals_trading_training_session_id_fkey" FOREIGN KEY ("trading_training_session_id") REFERENCES "trading_training_sessions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_tick_results" ADD CONSTRAINT "trading_tick_results_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_tick_results" ADD CONSTRAINT "trading_tick_results_trading_strategy_id_fkey" FOREIGN KEY ("trading_strategy_id") REFERENCES "trading_strategies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_tick_results" ADD CONSTRAINT "trading_tick_results_trading_training_session_id_fkey" FOREIGN KEY ("trading_training_session_id") REFERENCES "trading_training_sessions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "supply_chain_sboms" ADD CONSTRAINT "supply_chain_sboms_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "supply_chain_attestations" ADD CONSTRAINT "supply_chain_attestations_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "analytics_alerts" ADD CONSTRAINT "analytics_alerts_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mcp_tools" ADD CONSTRAINT "mcp_tools_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "system_operations" ADD CONSTRAINT "system_operations_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "system_operations" ADD CONSTRAINT "system_operations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cable_job_outbox" ADD CONSTRAINT "cable_job_outbox_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cable_job_outbox" ADD CONSTRAINT "cable_job_outbox_worker_id_fkey" FOREIGN KEY ("worker_id") REFERENCES "workers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

