-- AlterTable
ALTER TABLE "trading_strategies" ADD COLUMN     "last_tick_at" TIMESTAMP(6),
ADD COLUMN     "trading_training_session_id" UUID;

-- AlterTable
ALTER TABLE "trading_training_sessions" ADD COLUMN     "name" TEXT NOT NULL DEFAULT 'Training session',
ADD COLUMN     "tick_count" INTEGER NOT NULL DEFAULT 30;

-- AlterTable
ALTER TABLE "cable_job_outbox" ADD COLUMN     "completed_at" TIMESTAMP(6),
ADD COLUMN     "error" TEXT,
ADD COLUMN     "result" JSONB;

-- CreateIndex
CREATE INDEX "trading_strategies_trading_training_session_id_idx" ON "trading_strategies"("trading_training_session_id");

-- AddForeignKey
ALTER TABLE "trading_strategies" ADD CONSTRAINT "trading_strategies_trading_training_session_id_fkey" FOREIGN KEY ("trading_training_session_id") REFERENCES "trading_training_sessions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

