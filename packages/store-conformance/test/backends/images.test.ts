import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  type BackendImageName,
  backendImageEnvVars,
  backendImages,
} from "../../src/backends/images.js";

const compose = parse(
  readFileSync(new URL("../../../../docker/compose.yml", import.meta.url), "utf8"),
) as {
  services: Record<
    string,
    { image: string; ports?: string[]; profiles?: string[]; command?: string[] }
  >;
};
const backendServices = Object.entries(compose.services).filter(([, service]) => !service.profiles);

/** `${VAR:-default}`, as Compose interpolates it. */
const interpolation = (image: string) => {
  const match = /^\$\{([A-Z_]+):-([^}]+)\}$/.exec(image);
  return match ? { envVar: match[1], fallback: match[2] } : undefined;
};

const imageOfService: Record<string, BackendImageName> = {
  redis: "redis",
  "redis-cluster": "redis",
  postgres: "postgres",
  mariadb: "mariadb",
  dynamodb: "dynamodb",
};

describe("pinned images", () => {
  it("docker/compose.yml runs exactly the images the Testcontainers path runs, behind the same env vars", () => {
    expect(backendServices.map(([name]) => name).sort()).toEqual(
      Object.keys(imageOfService).sort(),
    );
    for (const [name, service] of backendServices) {
      const image = imageOfService[name]!;
      expect(interpolation(service.image), `compose service ${name}`).toEqual({
        envVar: backendImageEnvVars[image],
        fallback: backendImages[image],
      });
    }
    const used = new Set(
      backendServices.map(([, service]) => interpolation(service.image)?.fallback),
    );
    expect(used).toEqual(new Set(Object.values(backendImages)));
  });

  it("docker/compose.yml publishes the backends on 127.0.0.1 only", () => {
    for (const [name, service] of backendServices) {
      expect(service.ports?.length, `compose service ${name}`).toBeGreaterThan(0);
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
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

  it("names one env var per image, SESSIONKIT_<NAME>_IMAGE", () => {
    expect(Object.keys(backendImageEnvVars).sort()).toEqual(Object.keys(backendImages).sort());
    for (const [name, envVar] of Object.entries(backendImageEnvVars)) {
      expect(envVar).toBe(`SESSIONKIT_${name.toUpperCase()}_IMAGE`);
    }
  });
});
