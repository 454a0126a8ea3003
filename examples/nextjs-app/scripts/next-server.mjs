// Starts `next start` (the production build) as a child process and waits until it answers.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const nextBin = createRequire(join(app, "package.json")).resolve("next/dist/bin/next");

/** See next-server.d.mts. */
export async function startNextServer({ port, env = {}, log, readyTimeoutMs = 60_000 }) {
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, [nextBin, "start", "--port", String(port)], {
    cwd: app,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stop() takes down anything it spawned too.
    detached: true,
  });
  const output = [];
  const onData = (chunk) => {
    const text = chunk.toString("utf8");
    output.push(text);
    if (output.length > 200) output.shift();
    if (log) for (const line of text.split("\n")) if (line.trim()) log(line);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  // If our process ends without stop() (a crashed test worker), take the server with it.
  const killOnExit = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  process.once("exit", killOnExit);
  exited.then(() => process.removeListener("exit", killOnExit));

  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // Already gone.
        }
        const killer = setTimeout(() => {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            // Already gone.
          }
        }, 5000);
        await exited;
        clearTimeout(killer);
      }
    })();
    return stopped;
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`next start on port ${port} exited early:\n${output.join("").slice(-2000)}`);
    }
    try {
      const response = await fetch(`${url}/store`, { signal: AbortSignal.timeout(5000) });
      if (response.status < 500) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `next start on port ${port} did not answer within ${readyTimeoutMs} ms:\n${output.join("").slice(-2000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, port, stop, exited, output: () => output.join("") };
}
