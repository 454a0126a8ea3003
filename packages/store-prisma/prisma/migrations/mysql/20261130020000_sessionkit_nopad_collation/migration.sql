-- Ids, `sid`, `sub`, `jti` and lease holders must compare exactly, trailing spaces included:
-- utf8mb4_bin is a PAD SPACE collation ("a" = "a "). On MariaDB this moves the tables to
-- utf8mb4_nopad_bin (the /*M! … */ part runs on MariaDB only). On MySQL 8 the statements are
-- empty ALTERs: run the same ALTERs with COLLATE utf8mb4_0900_bin there (see the README).
ALTER TABLE `sessionkit_sessions` /*M!100600 CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin */;
ALTER TABLE `sessionkit_logout_token_claims` /*M!100600 CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin */;
ALTER TABLE `sessionkit_refresh_leases` /*M!100600 CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin */;
