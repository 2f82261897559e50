-- AlterTable
ALTER TABLE "cable_job_outbox" ADD COLUMN "completed_at" DATETIME;
ALTER TABLE "cable_job_outbox" ADD COLUMN "error" TEXT;
ALTER TABLE "cable_job_outbox" ADD COLUMN "result" JSONB;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_trading_strategies" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "trading_portfolio_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "strategy_type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "pair" TEXT,
    "config" JSONB,
    "total_cost_usd" DECIMAL,
    "current_pnl_usd" DECIMAL,
    "open_positions" INTEGER NOT NULL DEFAULT 0,
    "trading_training_session_id" TEXT,
    "last_tick_at" DATETIME,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "trading_strategies_trading_portfolio_id_fkey" FOREIGN KEY ("trading_portfolio_id") REFERENCES "trading_portfolios" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "trading_strategies_trading_training_session_id_fkey" FOREIGN KEY ("trading_training_session_id") REFERENCES "trading_training_sessions" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_trading_strategies" ("config", "created_at", "current_pnl_usd", "id", "name", "open_positions", "pair", "status", "strategy_type", "total_cost_usd", "trading_portfolio_id", "updated_at") SELECT "config", "created_at", "current_pnl_usd", "id", "name", "open_positions", "pair", "status", "strategy_type", "total_cost_usd", "trading_portfolio_id", "updated_at" FROM "trading_strategies";
DROP TABLE "trading_strategies";
ALTER TABLE "new_trading_strategies" RENAME TO "trading_strategies";
CREATE INDEX "trading_strategies_trading_portfolio_id_idx" ON "trading_strategies"("trading_portfolio_id");
CREATE INDEX "trading_strategies_trading_training_session_id_idx" ON "trading_strategies"("trading_training_session_id");
CREATE TABLE "new_trading_training_sessions" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "account_id" TEXT NOT NULL,
    "trading_portfolio_id" TEXT,
    "trading_venue_id" TEXT,
    "name" TEXT NOT NULL DEFAULT 'Training session',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "mode" TEXT NOT NULL DEFAULT 'backtest',
    "completed_ticks" INTEGER NOT NULL DEFAULT 0,
    "total_ticks" INTEGER NOT NULL DEFAULT 0,
    "tick_count" INTEGER NOT NULL DEFAULT 30,
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
    "last_heartbeat_at" DATETIME,
    "ends_at" DATETIME,
    "started_at" DATETIME,
    "completed_at" DATETIME,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "trading_training_sessions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "trading_training_sessions_trading_portfolio_id_fkey" FOREIGN KEY ("trading_portfolio_id") REFERENCES "trading_portfolios" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "trading_training_sessions_trading_venue_id_fkey" FOREIGN KEY ("trading_venue_id") REFERENCES "trading_venues" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_trading_training_sessions" ("account_id", "completed_at", "completed_ticks", "completion_requested", "config", "created_at", "ends_at", "error_message", "id", "include_classic", "last_heartbeat_at", "market_count", "metrics", "mode", "results", "started_at", "status", "strategy_types", "tick_interval", "timeline", "total_ticks", "trading_portfolio_id", "trading_venue_id", "updated_at") SELECT "account_id", "completed_at", "completed_ticks", "completion_requested", "config", "created_at", "ends_at", "error_message", "id", "include_classic", "last_heartbeat_at", "market_count", "metrics", "mode", "results", "started_at", "status", "strategy_types", "tick_interval", "timeline", "total_ticks", "trading_portfolio_id", "trading_venue_id", "updated_at" FROM "trading_training_sessions";
DROP TABLE "trading_training_sessions";
ALTER TABLE "new_trading_training_sessions" RENAME TO "trading_training_sessions";
CREATE INDEX "trading_training_sessions_account_id_idx" ON "trading_training_sessions"("account_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

