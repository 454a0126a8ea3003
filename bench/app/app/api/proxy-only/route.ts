export const dynamic = "force-dynamic";

/** The second floor: the proxy runs (and passes the request on untouched), no session is read. */
export function GET() {
  return Response.json({ marker: "no-auth" });
}
