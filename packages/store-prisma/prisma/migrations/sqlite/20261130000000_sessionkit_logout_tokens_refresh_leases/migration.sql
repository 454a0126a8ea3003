-- sessionkit logout-token claims and refresh leases for SQLite and libSQL (Turso): the
-- `LogoutTokenClaim` and `RefreshLease` models of `prisma/models/sqlite.prisma`. Apply after
-- 20261122000000_sessionkit_sessions.
-- CreateTable
CREATE TABLE "sessionkit_logout_token_claims" (
    "jti" TEXT NOT NULL PRIMARY KEY,
    "expires_at" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "sessionkit_refresh_leases" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expires_at" BIGINT NOT NULL
);

-- CreateIndex
CREATE INDEX "sessionkit_logout_token_claims_expires_at_idx" ON "sessionkit_logout_token_claims"("expires_at");

-- CreateIndex
CREATE INDEX "sessionkit_refresh_leases_expires_at_idx" ON "sessionkit_refresh_leases"("expires_at");
