-- sessionkit logout-token claims and refresh leases for MySQL 8 and MariaDB 10.6+: the
-- `LogoutTokenClaim` and `RefreshLease` models of `prisma/models/mysql.prisma`. Apply after
-- 20261122000000_sessionkit_sessions. utf8mb4_bin: a `jti`, a session id and a holder are
-- compared byte for byte, as in the sessions table.
-- CreateTable
CREATE TABLE `sessionkit_logout_token_claims` (
    `jti` VARCHAR(255) NOT NULL,
    `expires_at` BIGINT NOT NULL,

    INDEX `sessionkit_logout_token_claims_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`jti`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `sessionkit_refresh_leases` (
    `id` VARCHAR(255) NOT NULL,
    `holder` VARCHAR(255) NOT NULL,
    `expires_at` BIGINT NOT NULL,

    INDEX `sessionkit_refresh_leases_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
