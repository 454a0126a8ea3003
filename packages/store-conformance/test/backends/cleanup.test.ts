import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLocalWorkspace, startWatchdog } from "../../src/backends/local-server.js";
import { runToCompletion } from "../../src/backends/local-start.js";
import { waitUntil } from "../../src/backends/wait-until.js";

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("local servers are cleaned up", () => {
  it("close() kills the servers and removes the temp dir", async () => {
    const workspace = createLocalWorkspace("cleanup");
    const server = workspace.spawn("sleeper", { command: "sleep", args: ["30"] });
    const pid = server.child.pid!;
    expect(isRunning(pid)).toBe(true);
    await workspace.close();
    expect(server.exitReason()).toMatch(/sleep exited/);
    expect(existsSync(workspace.dir)).toBe(false);
    await workspace.close(); // idempotent
  });

  it("a failed setup step says why, in one line, and removes the temp dir", async () => {
    const workspace = createLocalWorkspace("cleanup");
    const setup = { command: "sh", args: ["-c", "echo 'initdb: bad locale' >&2; exit 3"] };
    await expect(runToCompletion(workspace, "initdb", setup)).rejects.toThrow(
      "initdb failed: initdb: bad locale",
    );
    expect(existsSync(workspace.dir)).toBe(false);
  });

  it("a watchdog kills them and removes the dir when the owning process dies without cleaning up", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionkit-watchdog-"));
    const owner = spawn("sleep", ["30"], { stdio: "ignore" });
    const server = spawn("sleep", ["30"], { stdio: "ignore", detached: true });
    server.unref();
    writeFileSync(join(dir, ".pids"), String(server.pid));
    startWatchdog(dir, owner.pid);
    owner.kill("SIGKILL"); // as a crashed or SIGKILLed test worker would die
    await waitUntil(async () => !isRunning(server.pid!) && !existsSync(dir), {
      timeout: 10_000,
      interval: 100,
    });
  });
});
