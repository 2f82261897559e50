-- AlterTable
ALTER TABLE "ai_agents" ADD COLUMN     "is_concierge" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ai_messages" ADD COLUMN     "error_message" TEXT;

-- AlterTable
ALTER TABLE "ai_ralph_loops" ADD COLUMN     "error_message" TEXT;

