import { describe, expect, it } from "vitest";
import { attempt, isUniqueViolation, isWriteConflict } from "../src/to-store-error.js";

// Shaped as Prisma 7 reports them through a driver adapter (copied from real failures' fields).
const deadlock = () =>
  Object.assign(new Error("Transaction failed due to a write conflict or a deadlock"), {
    name: "PrismaClientKnownRequestError",
    code: "P2034",
    meta: {
      modelName: "Session",
      driverAdapterError: Object.assign(new Error("TransactionWriteConflict"), {
        name: "DriverAdapterError",
        cause: {
          originalCode: "1213",
          originalMessage: "Deadlock found when trying to get lock; try restarting transaction",
          kind: "TransactionWriteConflict",
        },
      }),
    },
  });
const uniqueViolation = () =>
  Object.assign(new Error("Unique constraint failed"), {
    name: "PrismaClientKnownRequestError",
    code: "P2002",
  });

describe("prismaStore error handling", () => {
  it("recognises a deadlock victim by Prisma's code or the driver's, and a unique violation", () => {
    expect(isWriteConflict(deadlock())).toBe(true);
    const driverOnly = deadlock();
    driverOnly.code = "P2010";
    expect(isWriteConflict(driverOnly)).toBe(true);
    expect(isWriteConflict({ cause: { code: "40P01" } })).toBe(true);
    expect(isWriteConflict(uniqueViolation())).toBe(false);
    expect(isUniqueViolation(uniqueViolation())).toBe(true);
    expect(isUniqueViolation(deadlock())).toBe(false);
  });

  it("runs a deadlock victim again, and gives up as a SessionStoreError after a few tries", async () => {
    let calls = 0;
    const once = await attempt("touch", async () => {
      calls++;
      if (calls === 1) throw deadlock();
      return "done";
    });
    expect(once).toBe("done");
    expect(calls).toBe(2);

    calls = 0;
    const always = attempt("touch", async () => {
      calls++;
      throw deadlock();
    });
    await expect(always).rejects.toMatchObject({
      name: "SessionStoreError",
      code: "STORE_OPERATION_FAILED",
      message: "prisma store: touch failed: the database reported an error (P2034)",
    });
    expect(calls).toBe(4);

    calls = 0;
    await expect(
      attempt("set", async () => {
        calls++;
        throw uniqueViolation();
      }),
    ).rejects.toMatchObject({ code: "STORE_OPERATION_FAILED" });
    expect(calls).toBe(1);
  });
});
