import { connect, type Socket } from "node:net";

// Readiness is checked by speaking each server's own protocol, never by sleeping.

const probeTimeout = 2_000;

/** Connects, writes `request`, and collects bytes until `done(buffer)` says the answer is whole. */
function exchange(
  host: string,
  port: number,
  request: Buffer | undefined,
  done: (received: Buffer) => boolean,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket: Socket = connect({ host, port });
    const finish = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(received);
    };
    socket.setTimeout(probeTimeout, () => finish(new Error(`no answer from ${host}:${port}`)));
    socket.once("error", (error) => finish(error));
    socket.once("connect", () => {
      if (request) socket.write(request);
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (done(received)) finish();
    });
    socket.once("end", () => finish(new Error(`${host}:${port} closed the connection`)));
  });
}

/** Length of one complete RESP reply at the start of `buffer`, or -1 when incomplete. */
function respLength(buffer: Buffer): number {
  const lineEnd = buffer.indexOf("\r\n");
  if (lineEnd < 0) return -1;
  if (buffer[0] !== 0x24 /* $ */) return lineEnd + 2;
  const size = Number(buffer.subarray(1, lineEnd).toString());
  if (size < 0) return lineEnd + 2;
  const total = lineEnd + 2 + size + 2;
  return buffer.length >= total ? total : -1;
}

/** Sends one command to a Redis server and answers its reply as text; an error reply throws. */
export async function redisCommand(host: string, port: number, args: string[]): Promise<string> {
  const parts = args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  const request = Buffer.from(`*${args.length}\r\n${parts.join("")}`);
  const reply = await exchange(host, port, request, (received) => respLength(received) >= 0);
  const text = reply.toString("utf8", 0, respLength(reply));
  if (text.startsWith("-")) throw new Error(`redis ${args[0]}: ${text.slice(1).trim()}`);
  if (text.startsWith("$")) return text.slice(text.indexOf("\r\n") + 2, -2);
  return text.slice(1, -2);
}

/** Redis answers PING (a server still loading its data answers an error, so not yet). */
export async function redisReady(host: string, port: number): Promise<boolean> {
  return (await redisCommand(host, port, ["PING"])) === "PONG";
}

/** A Redis Cluster node reports every slot served. */
export async function redisClusterReady(host: string, port: number): Promise<boolean> {
  const info = await redisCommand(host, port, ["CLUSTER", "INFO"]);
  return /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info);
}

/**
 * PostgreSQL accepts a session: a StartupMessage gets an authentication request
 * back, not the "starting up / shutting down" error a postmaster sends meanwhile.
 */
export async function postgresReady(
  host: string,
  port: number,
  user: string,
  database: string,
): Promise<boolean> {
  const body = Buffer.from(`user\0${user}\0database\0${database}\0\0`);
  const request = Buffer.alloc(8 + body.length);
  request.writeInt32BE(request.length, 0);
  request.writeInt32BE(196_608, 4); // protocol 3.0
  body.copy(request, 8);
  const reply = await exchange(host, port, request, (received) => received.length >= 5);
  return reply[0] === 0x52; // 'R': AuthenticationRequest
}

/** A MySQL/MariaDB server sends its handshake (protocol 10), not an error packet. */
export async function mySqlReady(host: string, port: number): Promise<boolean> {
  const reply = await exchange(host, port, undefined, (received) => received.length >= 5);
  return reply[4] === 0x0a;
}

/** DynamoDB (Local) answers a ListTables call over HTTP. */
export async function dynamoDbReady(endpoint: string): Promise<boolean> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "DynamoDB_20120810.ListTables",
      // DynamoDB Local checks that a signature is present, not that it is right.
      authorization:
        "AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: "{}",
    signal: AbortSignal.timeout(probeTimeout),
  });
  await response.arrayBuffer();
  return response.status < 500;
}
