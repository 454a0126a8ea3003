import { defineSessionkitProject } from "../../vitest.shared.ts";

export default defineSessionkitProject("@sessionkit/store-prisma", {
  test: { globalSetup: ["./test/global-setup.ts"] },
});
