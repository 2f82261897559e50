-- AlterTable
ALTER TABLE "ai_messages" ADD COLUMN "error_message" TEXT;

-- AlterTable
ALTER TABLE "ai_ralph_loops" ADD COLUMN "error_message" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ai_agents" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "account_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "agent_type" TEXT NOT NULL DEFAULT 'assistant',
    "status" TEXT NOT NULL DEFAULT 'active',
    "provider" TEXT,
    "model" TEXT,
    "configuration" JSONB,
    "is_concierge" BOOLEAN NOT NULL DEFAULT false,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "ai_agents_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_ai_agents" ("account_id", "agent_type", "configuration", "created_at", "description", "id", "model", "name", "provider", "status", "updated_at") SELECT "account_id", "agent_type", "configuration", "created_at", "description", "id", "model", "name", "provider", "status", "updated_at" FROM "ai_agents";
DROP TABLE "ai_agents";
ALTER TABLE "new_ai_agents" RENAME TO "ai_agents";
CREATE INDEX "ai_agents_account_id_idx" ON "ai_agents"("account_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

