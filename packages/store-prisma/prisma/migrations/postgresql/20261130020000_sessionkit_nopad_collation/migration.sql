-- Nothing to do on postgresql: its text comparison is already exact (trailing spaces included).
-- The migration exists so that every dialect ships the same list (see the MySQL one).
SELECT 1;
