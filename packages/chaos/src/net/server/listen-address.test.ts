import { describe, expect, it } from "vitest";
import {
  formatAddress,
  listenErrorMessage,
  parseListen,
  parseUpstream,
  sameAddress,
} from "./listen-address.js";

describe("parseListen", () => {
  it("splits host and port, keeping the proxy on loopback for an empty host or localhost", () => {
    expect(parseListen("127.0.0.1:8080")).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(parseListen("localhost:0")).toEqual({ host: "127.0.0.1", port: 0 });
    expect(parseListen(":26379")).toEqual({ host: "127.0.0.1", port: 26379 });
    expect(parseListen("")).toEqual({ host: "127.0.0.1", port: 0 });
    expect(parseListen("[::1]:9")).toEqual({ host: "::1", port: 9 });
  });

  it("refuses malformed addresses with Go's messages", () => {
    expect(() => parseListen("nowhere")).toThrow(
      "listen tcp: address nowhere: missing port in address",
    );
    expect(() => parseListen("::1:80")).toThrow(
      "listen tcp: address ::1:80: too many colons in address",
    );
    expect(() => parseListen("h:http")).toThrow("listen tcp: lookup tcp/http: unknown port");
    expect(() => parseUpstream("db")).toThrow("dial tcp: address db: missing port in address");
  });
});

describe("formatAddress, sameAddress and listenErrorMessage", () => {
  it("prints addresses as Go's Addr().String()", () => {
    expect(formatAddress({ address: "127.0.0.1", family: "IPv4", port: 5 })).toBe("127.0.0.1:5");
    expect(formatAddress({ address: "::1", family: "IPv6", port: 5 })).toBe("[::1]:5");
  });

  it("treats localhost and 127.0.0.1 as the same place", () => {
    expect(sameAddress("localhost:80", "127.0.0.1:80")).toBe(true);
    expect(sameAddress("127.0.0.1:80", "127.0.0.1:81")).toBe(false);
  });

  it("names the address and the reason of a failed bind", () => {
    const error = Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE" });
    expect(listenErrorMessage({ host: "127.0.0.1", port: 3310 }, error)).toBe(
      "listen tcp 127.0.0.1:3310: bind: address already in use",
    );
  });
});
