/** Generates the per-dialect Prisma clients under test/generated (skipped when up to date). */
export function generateTestClients(): Promise<void>;
