import { generateTestClients } from "../../../packages/store-prisma/scripts/generate-test-clients.mjs";

/** The Prisma instances use the client store-prisma generates from its shipped model. */
export default async function setup(): Promise<void> {
  await generateTestClients();
}
