import type { SessionData, SessionStore } from "@sessionkit/auth/store";
import { describe, expect, it } from "vitest";
import { jsonEdgeValues } from "./edges.js";
import { lasting, makeSession, newId, newIssuer, put, unique, withStore } from "./fixtures.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { groupTimeout } from "./timeouts.js";

// Text that breaks stores with a 3-byte UTF-8 charset, a normalising layer,
// or hand-rolled escaping.
const awkward = [
  "Zoë Ångström, Łódź, İstanbul",
  "名前は山田です 이름 Имя",
  "مرحبا שלום", // right to left
  "🙂 👩‍👩‍👧‍👦 🏳️‍🌈 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🀄", // astral plane and ZWJ sequences
  "e\u0301 vs \u00e9", // decomposed and composed: must not be normalised
  "quotes \" ' ` backslash \\ slash / tab\t newline\n cr\r",
  "\u0001\u001f control, \u2028\u2029 separators, \ufeff BOM",
  '{"looks":"like json"}',
  "' OR 1=1; DROP TABLE sessions; --",
];

/** Builds a session whose JSON is exactly `bytes` UTF-8 bytes long, padded with `unit`. */
function sessionOfSize(bytes: number, unit: string, iss: string): SessionData {
  const session = makeSession({ iss, sub: unique("sub"), extra: { padding: "" } });
  const base = Buffer.byteLength(JSON.stringify(session));
  const unitBytes = Buffer.byteLength(unit);
  const count = Math.floor((bytes - base) / unitBytes);
  const rest = bytes - base - count * unitBytes;
  session.padding = unit.repeat(count) + "x".repeat(rest);
  return session;
}

/** Fidelity: Unicode, nesting and 64 KiB round-trip exactly; what comes back is a copy. */
export function testFidelity<S extends SessionStore>(options: TestSessionStoreOptions<S>): void {
  const o = validateOptions(options, "testFidelity");
  describe(`${o.name}: fidelity`, { timeout: groupTimeout }, () => {
    it("round-trips Unicode exactly, in values and in keys", () =>
      withStore(o, async (store) => {
        const id = newId();
        const session = makeSession({
          iss: newIssuer(),
          sub: `${unique("sub")}-Zoë-🙂`,
          extra: {
            texts: awkward,
            keyed: Object.fromEntries(awkward.map((text, i) => [`${text.slice(0, 12)}#${i}`, i])),
          },
        });
        session.user.name = "Zoë 🙂 山田";
        await put(store, id, session);
        const back = await store.get(id);
        expect(back, "Unicode did not round-trip exactly").toEqual(session);
        expect(JSON.stringify(back), "Unicode did not round-trip exactly (byte for byte)").toBe(
          JSON.stringify(session),
        );
      }));

    it("round-trips nesting and every JSON type", () =>
      withStore(o, async (store) => {
        const id = newId();
        let deep: unknown = { leaf: true };
        for (let depth = 0; depth < 32; depth++)
          deep = { depth, child: deep, list: [depth, [`${depth}`]] };
        const session = makeSession({
          iss: newIssuer(),
          sub: unique("sub"),
          extra: {
            deep,
            numbers: [0, 1, -1, 0.1, 1e-7, 1.7976931348623157e308, Number.MAX_SAFE_INTEGER, -42.5],
            flags: [true, false, null],
            empty: { object: {}, array: [], string: "" },
            "dotted.key": { $where: "literal", "a.b": [{}] },
            roles: ["admin", ["nested", ["deeper"]]],
          },
        });
        await put(store, id, session);
        expect(await store.get(id), "nesting or a JSON type did not round-trip").toEqual(session);
        expect(
          JSON.stringify(await store.get(id)),
          "nesting or a JSON type did not round-trip (key order, number form)",
        ).toBe(JSON.stringify(session));
      }));

    it("round-trips every JSON value in every position: app field, object property, array element", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const sub = unique("sub");
        const values = jsonEdgeValues();
        const names = Object.keys(values);
        const session = makeSession({
          iss,
          sub,
          extra: {
            ...Object.fromEntries(names.map((name) => [`app_${name}`, values[name]])),
            inObject: values,
            inArray: names.map((name) => values[name]),
            inArrayOfObjects: [values, [values]],
          },
        });
        // What any JSON round trip gives back (-0 becomes 0): the stored session must equal it.
        const expected = JSON.parse(JSON.stringify(session)) as SessionData;
        const positions = (s: SessionData | null | undefined) => ({
          "an app field": (name: string) => s?.[`app_${name}`],
          "an object property": (name: string) => (s?.inObject as Record<string, unknown>)?.[name],
          "an array element": (name: string) => (s?.inArray as unknown[])?.[names.indexOf(name)],
          "a property of an object in an array": (name: string) =>
            ((s?.inArrayOfObjects as unknown[][])?.[1]?.[0] as Record<string, unknown>)?.[name],
        });
        const check = (got: SessionData | null | undefined, via: string, whole = expected) => {
          const want = positions(whole);
          for (const [position, read] of Object.entries(positions(got))) {
            for (const name of names) {
              const text = (value: unknown) =>
                value === undefined ? "missing" : JSON.stringify(value);
              const wanted = want[position as keyof typeof want](name);
              expect(
                text(read(name)),
                `${via}: ${name.slice(0, 40)} as ${position} came back ${text(read(name)).slice(0, 60)}, not ${text(wanted).slice(0, 60)}`,
              ).toBe(text(wanted));
            }
          }
          expect(got, `${via}: the session did not round-trip as JSON`).toEqual(whole);
        };
        const id = newId();
        await put(store, id, session);
        check(await store.get(id), "set() then get()");
        check((await store.listSessions({ iss, sub }))[0]?.session, "set() then listSessions()");
        const next = structuredClone(session);
        next.visits = 2;
        expect(await store.update(id, next, lasting()), "update() of a live session refused").toBe(
          true,
        );
        const got = await store.get(id);
        expect(got?.visits, "update() answered true but did not write").toBe(2);
        check(got, "update() then get()", JSON.parse(JSON.stringify(next)) as SessionData);
      }));

    it("round-trips a 64 KiB session (ASCII and multi-byte)", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        for (const unit of ["a", "Zoë🙂山"]) {
          const id = newId();
          const session = sessionOfSize(64 * 1024, unit, iss);
          expect(Buffer.byteLength(JSON.stringify(session)), "the suite's own fixture size").toBe(
            64 * 1024,
          );
          await put(store, id, session);
          expect(await store.get(id), "a 64 KiB session did not round-trip through set()").toEqual(
            session,
          );
          const next = sessionOfSize(64 * 1024, unit === "a" ? "b" : "ü", iss);
          expect(
            await store.update(id, next, lasting()),
            "update() of a 64 KiB session refused",
          ).toBe(true);
          expect(
            await store.get(id),
            "a 64 KiB session did not round-trip through update()",
          ).toEqual(next);
        }
      }));

    it("hands out copies: mutating what get() returned changes nothing stored", () =>
      withStore(o, async (store) => {
        const id = newId();
        const session = makeSession({
          iss: newIssuer(),
          sub: unique("sub"),
          extra: { prefs: { theme: "dark" } },
        });
        await put(store, id, session);
        const first = await store.get(id);
        expect(first, "the session was not served").not.toBeNull();
        first!.user.sub = "mallory";
        (first!.prefs as { theme: string }).theme = "light";
        first!.internal.expiresAt = 0;
        const second = await store.get(id);
        expect(second, "mutating what get() returned changed what is stored").toEqual(session);
        expect(second, "get() handed out the same object twice").not.toBe(first);
      }));

    it("keeps its own copy: mutating what was passed to set()/update() changes nothing stored", () =>
      withStore(o, async (store) => {
        const id = newId();
        const session = makeSession({ iss: newIssuer(), sub: "alice", extra: { tags: ["a"] } });
        const snapshot = structuredClone(session);
        await put(store, id, session);
        session.user.sub = "mallory";
        (session.tags as string[]).push("b");
        expect(
          await store.get(id),
          "mutating what was passed to set() changed what is stored",
        ).toEqual(snapshot);
        const next = structuredClone(snapshot);
        next.visits = 2;
        const nextSnapshot = structuredClone(next);
        expect(await store.update(id, next, lasting()), "update() of a live session refused").toBe(
          true,
        );
        next.visits = 3;
        next.user.sub = "mallory";
        expect(
          await store.get(id),
          "mutating what was passed to update() changed what is stored",
        ).toEqual(nextSnapshot);
      }));
  });
}
