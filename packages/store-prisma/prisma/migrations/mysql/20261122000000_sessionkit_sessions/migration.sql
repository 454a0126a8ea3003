-- sessionkit sessions for MySQL 8 and MariaDB 10.6+: the table `prisma/models/mysql.prisma` describes.
-- utf8mb4_bin keeps ids, `sid` and `sub` case-sensitive (the default *_ci collations would let
-- "Alice" end "alice"'s sessions).
-- CreateTable
CREATE TABLE `sessionkit_sessions` (
    `id` VARCHAR(255) NOT NULL,
    `data` MEDIUMTEXT NOT NULL,
    `iss` VARCHAR(255) NOT NULL,
    `sid` VARCHAR(255) NULL,
    `sub` VARCHAR(255) NOT NULL,
    `expires_at` BIGINT NOT NULL,
    `created_at` BIGINT NOT NULL,

    INDEX `sessionkit_sessions_iss_sid_idx`(`iss`, `sid`),
    INDEX `sessionkit_sessions_iss_sub_idx`(`iss`, `sub`),
    INDEX `sessionkit_sessions_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
