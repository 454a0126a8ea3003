export const dynamic = "force-dynamic";

/** The floor: a route outside the proxy's matcher that reads no session (no library runs). */
export function GET() {
  return Response.json({ marker: "no-auth" });
}
