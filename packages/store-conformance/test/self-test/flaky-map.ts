/**
 * A Map that can be "taken down": while down every call throws, as a client
 * whose server stopped would. The one fault an in-memory store cannot have for real.
 */
export class FlakyMap extends Map<string, string> {
  down = false;
  private check() {
    if (this.down) {
      throw Object.assign(new Error("connect ECONNREFUSED (the map is down)"), {
        code: "ECONNREFUSED",
      });
    }
  }
  override get(key: string) {
    this.check();
    return super.get(key);
  }
  override set(key: string, value: string) {
    // Map's constructor calls set() before fields exist.
    if (this.down) this.check();
    return super.set(key, value);
  }
  override delete(key: string) {
    this.check();
    return super.delete(key);
  }
  override has(key: string) {
    this.check();
    return super.has(key);
  }

  /** An `outage` option for the suite, over this map. */
  outage() {
    return {
      stop: async () => {
        this.down = true;
      },
      start: async () => {
        this.down = false;
      },
    };
  }
}
