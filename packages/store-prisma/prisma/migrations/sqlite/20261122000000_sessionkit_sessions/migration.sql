-- sessionkit sessions for SQLite and libSQL (Turso): the table `prisma/models/sqlite.prisma` describes.
-- CreateTable
CREATE TABLE "sessionkit_sessions" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "data" TEXT NOT NULL,
    "iss" TEXT NOT NULL,
    "sid" TEXT,
    "sub" TEXT NOT NULL,
    "expires_at" BIGINT NOT NULL,
    "created_at" BIGINT NOT NULL
);

-- CreateIndex
CREATE INDEX "sessionkit_sessions_iss_sid_idx" ON "sessionkit_sessions"("iss", "sid");

-- CreateIndex
CREATE INDEX "sessionkit_sessions_iss_sub_idx" ON "sessionkit_sessions"("iss", "sub");

-- CreateIndex
CREATE INDEX "sessionkit_sessions_expires_at_idx" ON "sessionkit_sessions"("expires_at");
