// Vitest global setup: the tests import the Prisma clients generated from the shipped models.
import { generateTestClients } from "../scripts/generate-test-clients.mjs";

export default async function setup(): Promise<void> {
  await generateTestClients();
}
