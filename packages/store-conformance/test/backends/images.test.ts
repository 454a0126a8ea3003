import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { backendImages } from "../../src/backends/images.js";

const compose = parse(
  readFileSync(new URL("../../../../docker/compose.yml", import.meta.url), "utf8"),
) as { services: Record<string, { image: string; profiles?: string[]; command?: string[] }> };
const backendServices = Object.values(compose.services).filter((service) => !service.profiles);

describe("pinned images", () => {
  it("docker/compose.yml runs exactly the images the Testcontainers path runs", () => {
    expect(compose.services.redis?.image).toBe(backendImages.redis);
    expect(compose.services["redis-cluster"]?.image).toBe(backendImages.redis);
    expect(compose.services.postgres?.image).toBe(backendImages.postgres);
    expect(compose.services.mariadb?.image).toBe(backendImages.mariadb);
    expect(compose.services.dynamodb?.image).toBe(backendImages.dynamodb);
    const used = new Set(backendServices.map((service) => service.image));
    expect(used).toEqual(new Set(Object.values(backendImages)));
  });

  it("runs the demo from the repository's own script on a pinned Node 20 image", () => {
    const demo = compose.services.demo;
    expect(demo?.profiles).toEqual(["demo"]);
    expect(demo?.image).toMatch(/^node:20\.\d+\.\d+-bookworm$/);
    expect(demo?.command).toEqual(["bash", "scripts/demo.sh"]);
    expect(readFileSync(new URL("../../../../scripts/demo.sh", import.meta.url), "utf8")).toContain(
      "#!/usr/bin/env bash",
    );
  });

  it("pins every image to an exact version", () => {
    for (const image of Object.values(backendImages)) {
      expect(image).toMatch(/:\d+\.\d+(\.\d+)?(-[a-z]+)?$/);
    }
  });
});
