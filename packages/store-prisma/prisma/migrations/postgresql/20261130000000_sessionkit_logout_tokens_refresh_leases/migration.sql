-- sessionkit logout-token claims and refresh leases for PostgreSQL: the `LogoutTokenClaim` and
-- `RefreshLease` models of `prisma/models/postgresql.prisma`. Apply after 20261122000000_sessionkit_sessions.
-- CreateTable
CREATE TABLE "sessionkit_logout_token_claims" (
    "jti" TEXT NOT NULL,
    "expires_at" BIGINT NOT NULL,

    CONSTRAINT "sessionkit_logout_token_claims_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "sessionkit_refresh_leases" (
    "id" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" BIGINT NOT NULL,

    CONSTRAINT "sessionkit_refresh_leases_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sessionkit_logout_token_claims_expires_at_idx" ON "sessionkit_logout_token_claims"("expires_at");

-- CreateIndex
CREATE INDEX "sessionkit_refresh_leases_expires_at_idx" ON "sessionkit_refresh_leases"("expires_at");
