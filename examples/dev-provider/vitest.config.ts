import { defineSessionkitProject } from "../../vitest.shared.ts";

export default defineSessionkitProject("@sessionkit/example-dev-provider");
