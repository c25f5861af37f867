import { createServer, type Server } from "node:net";
import { Toxiproxy } from "toxiproxy-node-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorBody, rawHttp } from "../testing/raw-http.js";
import { type EchoServer, portOf, startEchoServer, tryConnect } from "../testing/tcp-harness.js";
import { startToxiproxyServer, type ToxiproxyServer } from "./toxiproxy-server.js";

const TEXT = "text/plain; charset=utf-8";
const JSON_TYPE = "application/json";

let server: ToxiproxyServer;
let echo: EchoServer;
let client: Toxiproxy;
const http = (method: string, path: string, options?: { body?: string; userAgent?: string }) =>
  rawHttp(server.url, method, path, options);

beforeEach(async () => {
  echo = await startEchoServer();
  server = await startToxiproxyServer({ port: 0, seed: 1 });
  client = new Toxiproxy(server.url);
});
afterEach(async () => {
  await server.close();
  await echo.close();
});

const proxyBody = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name, listen: "127.0.0.1:0", upstream: echo.address, ...extra });

describe("GET /version, request ids, browsers and unknown routes", () => {
  it("answers /version with Toxiproxy's exact body and content type", async () => {
    const response = await http("GET", "/version");
    expect(response).toEqual({
      status: 200,
      contentType: "application/json;charset=utf-8",
      requestId: expect.stringMatching(/^[0-9a-v]{20}$/),
      nosniff: null,
      body: '{"version": "2.12.0"}\n',
    });
    expect(await client.getVersion()).toBe('{"version": "2.12.0"}\n');
  });

  it("gives every response its own X-Toxiproxy-Request-Id", async () => {
    const ids = await Promise.all(
      ["/version", "/proxies", "/nowhere", "/proxies/none"].map(
        async (path) => (await http("GET", path)).requestId,
      ),
    );
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^[0-9a-v]{20}$/);
  });

  it("refuses browser user agents with 403 on every API route", async () => {
    for (const [method, path] of [
      ["GET", "/proxies"],
      ["POST", "/reset"],
      ["GET", "/version"],
    ] as const) {
      expect(
        await http(method, path, { userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0" }),
      ).toEqual({
        status: 403,
        contentType: TEXT,
        requestId: expect.stringMatching(/^[0-9a-v]{20}$/),
        nosniff: "nosniff",
        body: "User agent not allowed\n",
      });
    }
    expect((await http("GET", "/proxies", { userAgent: "curl/8.0" })).status).toBe(200);
  });

  it("answers unknown paths 404 and known paths with another method 405, as gorilla/mux", async () => {
    expect(await http("GET", "/toxics")).toMatchObject({
      status: 404,
      contentType: TEXT,
      body: "404 page not found\n",
    });
    expect(await http("GET", "/proxies/a/b")).toMatchObject({ status: 404 });
    for (const [method, path] of [
      ["PUT", "/proxies"],
      ["DELETE", "/proxies"],
      ["GET", "/reset"],
      ["GET", "/populate"],
      ["POST", "/version"],
      ["PUT", "/proxies/x"],
      ["PUT", "/proxies/x/toxics"],
      ["PUT", "/proxies/x/toxics/y"],
    ] as const) {
      expect(await http(method, path)).toMatchObject({ status: 405, contentType: null, body: "" });
    }
  });
});

describe("POST /proxies", () => {
  it("creates and starts a proxy: 201 with the bound address, through the node client too", async () => {
    const created = await http("POST", "/proxies", { body: proxyBody("raw") });
    const listen = (JSON.parse(created.body) as { listen: string }).listen;
    expect(listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(created).toMatchObject({
      status: 201,
      contentType: JSON_TYPE,
      body: `{"name":"raw","listen":"${listen}","upstream":"${echo.address}","enabled":true,"toxics":[]}`,
    });
    const proxy = await client.createProxy({
      name: "viaClient",
      listen: "localhost:0",
      upstream: echo.address,
    });
    expect([proxy.name, proxy.upstream, proxy.enabled]).toEqual(["viaClient", echo.address, true]);
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await tryConnect(portOf(proxy.listen))).toBe("connected");
  });

  it("creates a disabled proxy that listens nowhere when enabled is false", async () => {
    const response = await http("POST", "/proxies", {
      body: proxyBody("off", { enabled: false }),
    });
    expect(response).toMatchObject({
      status: 201,
      body: `{"name":"off","listen":"127.0.0.1:0","upstream":"${echo.address}","enabled":false,"toxics":[]}`,
    });
  });

  it("refuses a second proxy of the same name with 409", async () => {
    await client.createProxy({ name: "twice", listen: "127.0.0.1:0", upstream: echo.address });
    expect(await http("POST", "/proxies", { body: proxyBody("twice") })).toMatchObject({
      status: 409,
      contentType: TEXT,
      nosniff: "nosniff",
      body: errorBody("proxy already exists", 409),
    });
    await expect(
      client.createProxy({ name: "twice", listen: "127.0.0.1:0", upstream: echo.address }),
    ).rejects.toThrow("Request failed with status code 409");
  });

  it("names the missing field, and reports bad bodies as Go's decoder does", async () => {
    const cases: [string, string][] = [
      [JSON.stringify({ upstream: echo.address }), "missing required field: name"],
      [JSON.stringify({ name: "n" }), "missing required field: upstream"],
      ["", "bad request body: EOF"],
      ['{"name":', "bad request body: unexpected EOF"],
      ["x", "bad request body: invalid character 'x' looking for beginning of value"],
      [
        JSON.stringify({ name: 5, upstream: echo.address }),
        "bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string",
      ],
      [
        JSON.stringify({ name: "n", upstream: echo.address, enabled: "yes" }),
        "bad request body: json: cannot unmarshal string into Go struct field Proxy.enabled of type bool",
      ],
      [
        "[]",
        "bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy",
      ],
    ];
    for (const [body, message] of cases) {
      expect(await http("POST", "/proxies", { body })).toMatchObject({
        status: 400,
        contentType: TEXT,
        body: errorBody(message, 400),
      });
    }
    expect((await http("GET", "/proxies")).body).toBe("{}");
  });

  it("matches field names without regard to case, as Go does", async () => {
    const response = await http("POST", "/proxies", {
      body: JSON.stringify({ Name: "cased", LISTEN: "127.0.0.1:0", Upstream: echo.address }),
    });
    expect(response.status).toBe(201);
    expect(JSON.parse(response.body)).toMatchObject({ name: "cased", upstream: echo.address });
  });

  it("answers 500 with Go's bind error when the listen port is taken, creating nothing", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const response = await http("POST", "/proxies", {
        body: JSON.stringify({ name: "busy", listen: `127.0.0.1:${port}`, upstream: echo.address }),
      });
      expect(response).toMatchObject({
        status: 500,
        contentType: TEXT,
        body: errorBody(`listen tcp 127.0.0.1:${port}: bind: address already in use`, 500),
      });
      expect((await http("GET", "/proxies/busy")).status).toBe(404);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe("GET /proxies and GET /proxies/{proxy}", () => {
  it("lists proxies keyed by name, in byte order, each with its toxics", async () => {
    for (const name of ["b", "a", "10", "2"]) {
      await client.createProxy({ name, listen: "127.0.0.1:0", upstream: echo.address });
    }
    const a = await client.get("a");
    await a.addToxic({
      name: "slow",
      type: "latency",
      stream: "upstream",
      toxicity: 1,
      attributes: { latency: 5, jitter: 0 },
    });
    const response = await http("GET", "/proxies");
    expect(response.status).toBe(200);
    expect(response.contentType).toBe(JSON_TYPE);
    // Read the keys from the bytes: JSON.parse would put integer-like keys first.
    expect([...response.body.matchAll(/"([^"]+)":\{"name"/g)].map((match) => match[1])).toEqual([
      "10",
      "2",
      "a",
      "b",
    ]);
    expect(JSON.parse(response.body).a.toxics).toEqual([
      {
        attributes: { latency: 5, jitter: 0 },
        name: "slow",
        type: "latency",
        stream: "upstream",
        toxicity: 1,
      },
    ]);
    expect(Object.keys(await client.getAll()).sort()).toEqual(["10", "2", "a", "b"]);
  });

  it("shows one proxy, and 404 `proxy not found` for an unknown one", async () => {
    const proxy = await client.createProxy({
      name: "one",
      listen: "127.0.0.1:0",
      upstream: echo.address,
    });
    expect(await http("GET", "/proxies/one")).toMatchObject({
      status: 200,
      contentType: JSON_TYPE,
      body: `{"name":"one","listen":"${proxy.listen}","upstream":"${echo.address}","enabled":true,"toxics":[]}`,
    });
    expect(await http("GET", "/proxies/two")).toMatchObject({
      status: 404,
      contentType: TEXT,
      body: errorBody("proxy not found", 404),
    });
    await expect(client.get("two")).rejects.toThrow("Request failed with status code 404");
  });
});

describe("PATCH and POST /proxies/{proxy}", () => {
  it("disables with the node client's POST: refuses new connections, and re-enables on the same address", async () => {
    const proxy = await client.createProxy({
      name: "door",
      listen: "127.0.0.1:0",
      upstream: echo.address,
    });
    const disabled = await proxy.update({
      enabled: false,
      listen: proxy.listen,
      upstream: echo.address,
    });
    expect(disabled.enabled).toBe(false);
    expect(await tryConnect(portOf(proxy.listen))).toBe("ECONNREFUSED");
    const enabled = await http("PATCH", "/proxies/door", { body: '{"enabled":true}' });
    expect(enabled).toMatchObject({
      status: 200,
      contentType: JSON_TYPE,
      body: `{"name":"door","listen":"${proxy.listen}","upstream":"${echo.address}","enabled":true,"toxics":[]}`,
    });
    expect(await tryConnect(portOf(proxy.listen))).toBe("connected");
  });

  it("moves the proxy when listen changes, leaving omitted fields as they were", async () => {
    const proxy = await client.createProxy({
      name: "mover",
      listen: "127.0.0.1:0",
      upstream: echo.address,
    });
    const moved = await http("PATCH", "/proxies/mover", { body: '{"listen":"127.0.0.1:0"}' });
    const listen = (JSON.parse(moved.body) as { listen: string }).listen;
    expect(moved.status).toBe(200);
    expect(listen).not.toBe(proxy.listen);
    expect(JSON.parse(moved.body)).toEqual({
      name: "mover",
      listen,
      upstream: echo.address,
      enabled: true,
      toxics: [],
    });
    expect(await tryConnect(portOf(proxy.listen))).toBe("ECONNREFUSED");
    expect(await tryConnect(portOf(listen))).toBe("connected");
  });

  it("answers 404 for an unknown proxy and 400 for a bad body", async () => {
    expect(await http("PATCH", "/proxies/ghost", { body: "{}" })).toMatchObject({
      status: 404,
      body: errorBody("proxy not found", 404),
    });
    await client.createProxy({ name: "p", listen: "127.0.0.1:0", upstream: echo.address });
    expect(await http("POST", "/proxies/p", { body: '{"enabled":1}' })).toMatchObject({
      status: 400,
      body: errorBody(
        "bad request body: json: cannot unmarshal number into Go struct field Proxy.enabled of type bool",
        400,
      ),
    });
  });
});

describe("DELETE /proxies/{proxy}", () => {
  it("answers 204, stops listening, then 404", async () => {
    const proxy = await client.createProxy({
      name: "gone",
      listen: "127.0.0.1:0",
      upstream: echo.address,
    });
    expect(await http("DELETE", "/proxies/gone")).toMatchObject({
      status: 204,
      contentType: null,
      body: "",
    });
    expect(await tryConnect(portOf(proxy.listen))).toBe("ECONNREFUSED");
    expect(await http("DELETE", "/proxies/gone")).toMatchObject({
      status: 404,
      body: errorBody("proxy not found", 404),
    });
    const again = await client.createProxy({
      name: "gone",
      listen: "127.0.0.1:0",
      upstream: echo.address,
    });
    await again.remove();
    expect((await http("GET", "/proxies")).body).toBe("{}");
  });
});

describe("toxics: create", () => {
  beforeEach(async () => {
    await client.createProxy({ name: "p", listen: "127.0.0.1:0", upstream: echo.address });
  });

  it("creates with Toxiproxy's defaults and answers 200 (not 201) with its field order", async () => {
    expect(await http("POST", "/proxies/p/toxics", { body: '{"type":"latency"}' })).toEqual({
      status: 200,
      contentType: JSON_TYPE,
      requestId: expect.stringMatching(/^[0-9a-v]{20}$/),
      nosniff: null,
      body: '{"attributes":{"latency":0,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}',
    });
  });

  it("writes each type's attributes in Go's order, ignoring unknown keys", async () => {
    const bodies: [string, string][] = [
      ["bandwidth", '{"rate":0}'],
      ["slow_close", '{"delay":0}'],
      ["timeout", '{"timeout":0}'],
      ["reset_peer", '{"timeout":0}'],
      ["slicer", '{"average_size":0,"size_variation":0,"delay":0}'],
      ["limit_data", '{"bytes":0}'],
      ["noop", "{}"],
    ];
    for (const [type, attributes] of bodies) {
      const response = await http("POST", "/proxies/p/toxics", {
        body: JSON.stringify({ type, stream: "upstream", attributes: { unknown: 5 } }),
      });
      expect(response.body).toBe(
        `{"attributes":${attributes},"name":"${type}_upstream","type":"${type}","stream":"upstream","toxicity":1}`,
      );
    }
  });

  it("creates through the node client with a name, stream, toxicity and attributes", async () => {
    const proxy = await client.get("p");
    const toxic = await proxy.addToxic({
      name: "slice",
      type: "slicer",
      stream: "upstream",
      toxicity: 0.1,
      attributes: { average_size: 10, size_variation: 2, delay: 5 },
    });
    expect(toxic.toJson()).toEqual({
      attributes: { average_size: 10, size_variation: 2, delay: 5 },
      name: "slice",
      stream: "upstream",
      toxicity: 0.1,
      type: "slicer",
    });
    expect((await http("GET", "/proxies/p/toxics/slice")).body).toContain('"toxicity":0.1}');
  });

  it("parses the stream without regard to case and echoes it as given", async () => {
    expect(
      (await http("POST", "/proxies/p/toxics", { body: '{"type":"timeout","stream":"UpStream"}' }))
        .body,
    ).toBe(
      '{"attributes":{"timeout":0},"name":"timeout_UpStream","type":"timeout","stream":"UpStream","toxicity":1}',
    );
  });

  it("refuses a bad stream, a bad type, a duplicate name on either stream, and bad attributes", async () => {
    await http("POST", "/proxies/p/toxics", {
      body: '{"name":"x","type":"latency","stream":"upstream"}',
    });
    const cases: [string, number, string][] = [
      [
        '{"type":"latency","stream":"sideways"}',
        400,
        "stream was invalid, can be either upstream or downstream",
      ],
      [
        '{"type":"latency","stream":""}',
        400,
        "stream was invalid, can be either upstream or downstream",
      ],
      ['{"type":"packet_loss"}', 400, "invalid toxic type"],
      ["{}", 400, "invalid toxic type"],
      ['{"name":"x","type":"latency","stream":"downstream"}', 409, "toxic already exists"],
      [
        '{"type":"latency","attributes":{"latency":"1s"}}',
        400,
        "bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.latency of type int64",
      ],
      [
        '{"type":"latency","attributes":{"latency":1.5}}',
        400,
        "bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.latency of type int64",
      ],
      [
        '{"type":"latency","toxicity":"all"}',
        400,
        "bad request body: json: cannot unmarshal string into Go struct field ToxicWrapper.toxicity of type float32",
      ],
      ["", 400, "bad request body: EOF"],
    ];
    for (const [body, status, message] of cases) {
      expect(await http("POST", "/proxies/p/toxics", { body })).toMatchObject({
        status,
        contentType: TEXT,
        body: errorBody(message, status),
      });
    }
    expect(
      await http("POST", "/proxies/nope/toxics", { body: '{"type":"latency"}' }),
    ).toMatchObject({ status: 404, body: errorBody("proxy not found", 404) });
  });
});

describe("toxics: list, show, update, delete", () => {
  beforeEach(async () => {
    await client.createProxy({ name: "p", listen: "127.0.0.1:0", upstream: echo.address });
    for (const body of [
      '{"name":"d1","type":"latency","attributes":{"latency":10,"jitter":2}}',
      '{"name":"u1","type":"bandwidth","stream":"upstream","attributes":{"rate":5}}',
      '{"name":"d2","type":"slow_close"}',
      '{"name":"u2","type":"limit_data","stream":"upstream","toxicity":0.5}',
    ]) {
      await http("POST", "/proxies/p/toxics", { body });
    }
  });

  it("lists upstream toxics first, then downstream, each in insertion order", async () => {
    const response = await http("GET", "/proxies/p/toxics");
    expect(response.status).toBe(200);
    expect((JSON.parse(response.body) as { name: string }[]).map((toxic) => toxic.name)).toEqual([
      "u1",
      "u2",
      "d1",
      "d2",
    ]);
    expect(await http("GET", "/proxies/none/toxics")).toMatchObject({ status: 404 });
  });

  it("shows one toxic, and 404 `toxic not found` for an unknown one", async () => {
    expect(await http("GET", "/proxies/p/toxics/u2")).toMatchObject({
      status: 200,
      body: '{"attributes":{"bytes":0},"name":"u2","type":"limit_data","stream":"upstream","toxicity":0.5}',
    });
    expect(await http("GET", "/proxies/p/toxics/zz")).toMatchObject({
      status: 404,
      body: errorBody("toxic not found", 404),
    });
    const toxic = await (await client.get("p")).getToxic("d1");
    expect(toxic.attributes).toEqual({ latency: 10, jitter: 2 });
  });

  it("updates only the given attributes, keeps toxicity when omitted, and ignores name, type and stream", async () => {
    expect(
      await http("PATCH", "/proxies/p/toxics/d1", {
        body: '{"attributes":{"jitter":7},"name":"renamed","type":"timeout","stream":"upstream"}',
      }),
    ).toMatchObject({
      status: 200,
      body: '{"attributes":{"latency":10,"jitter":7},"name":"d1","type":"latency","stream":"downstream","toxicity":1}',
    });
    const toxic = await (await client.get("p")).getToxic("u2");
    const updated = await toxic.update({
      ...toxic.toJson(),
      toxicity: 0.25,
      attributes: { bytes: 64 },
    });
    expect(updated.toJson()).toEqual({
      attributes: { bytes: 64 },
      name: "u2",
      stream: "upstream",
      toxicity: 0.25,
      type: "limit_data",
    });
    expect(await http("PATCH", "/proxies/p/toxics/zz", { body: "{}" })).toMatchObject({
      status: 404,
      body: errorBody("toxic not found", 404),
    });
    expect(await http("PATCH", "/proxies/p/toxics/d1", { body: "" })).toMatchObject({
      status: 400,
      body: errorBody("bad request body: EOF", 400),
    });
  });

  it("deletes with 204, then 404", async () => {
    expect(await http("DELETE", "/proxies/p/toxics/u1")).toMatchObject({
      status: 204,
      body: "",
    });
    expect(await http("DELETE", "/proxies/p/toxics/u1")).toMatchObject({
      status: 404,
      body: errorBody("toxic not found", 404),
    });
    await (await (await client.get("p")).getToxic("d2")).remove();
    const names = (
      JSON.parse((await http("GET", "/proxies/p/toxics")).body) as { name: string }[]
    ).map((toxic) => toxic.name);
    expect(names).toEqual(["u2", "d1"]);
  });
});

describe("POST /reset", () => {
  it("removes every toxic and re-enables every proxy, keeping the proxies (204)", async () => {
    const first = await client.createProxy({
      name: "r1",
      listen: "127.0.0.1:0",
      upstream: echo.address,
    });
    await client.createProxy({ name: "r2", listen: "127.0.0.1:0", upstream: echo.address });
    await http("POST", "/proxies/r1/toxics", { body: '{"type":"latency"}' });
    await http("POST", "/proxies/r2/toxics", { body: '{"type":"timeout","stream":"upstream"}' });
    await first.update({ enabled: false, listen: first.listen, upstream: echo.address });
    expect(await tryConnect(portOf(first.listen))).toBe("ECONNREFUSED");
    expect(await http("POST", "/reset")).toMatchObject({ status: 204, body: "" });
    const proxies = JSON.parse((await http("GET", "/proxies")).body) as Record<
      string,
      { enabled: boolean; toxics: unknown[] }
    >;
    expect(proxies).toEqual({
      r1: expect.objectContaining({ enabled: true, toxics: [] }),
      r2: expect.objectContaining({ enabled: true, toxics: [] }),
    });
    expect(await tryConnect(portOf(first.listen))).toBe("connected");
    await client.reset();
    expect(Object.keys(await client.getAll())).toEqual(["r1", "r2"]);
  });
});

describe("POST /populate", () => {
  it("creates every proxy: 201 with the list, through the node client too", async () => {
    const response = await http("POST", "/populate", {
      body: JSON.stringify([
        { name: "one", listen: "127.0.0.1:0", upstream: echo.address },
        { name: "two", listen: "127.0.0.1:0", upstream: echo.address, enabled: false },
      ]),
    });
    expect(response.status).toBe(201);
    expect(response.contentType).toBe(JSON_TYPE);
    const { proxies } = JSON.parse(response.body) as {
      proxies: { name: string; enabled: boolean }[];
    };
    expect(proxies.map((proxy) => [proxy.name, proxy.enabled])).toEqual([
      ["one", true],
      ["two", false],
    ]);
    const viaClient = await client.populate([
      { name: "three", listen: "127.0.0.1:0", upstream: echo.address },
    ]);
    expect(Object.keys(viaClient)).toEqual(["three"]);
    expect(await http("POST", "/populate", { body: "[]" })).toMatchObject({
      status: 201,
      body: '{"proxies":null}',
    });
  });

  it("validates every entry before creating any: nothing exists after an error in entry 2", async () => {
    const cases: [unknown[], number, string][] = [
      [
        [{ name: "ok", listen: "127.0.0.1:0", upstream: echo.address }, { upstream: echo.address }],
        400,
        "missing required field: name at proxy 2",
      ],
      [
        [{ name: "ok", listen: "127.0.0.1:0", upstream: echo.address }, { name: "x" }],
        400,
        "missing required field: upstream at proxy 2",
      ],
      [
        [
          { name: "ok", listen: "127.0.0.1:0", upstream: echo.address },
          { name: "x", listen: "nowhere", upstream: echo.address },
        ],
        400,
        "bad request body: listen tcp: address nowhere: missing port in address at proxy 2",
      ],
      [
        [
          { name: "ok", listen: "127.0.0.1:0", upstream: echo.address },
          {
            name: "x",
            listen: "127.0.0.1:0",
            upstream: echo.address,
            toxics: [{ type: "latency" }, { type: "warp" }],
          },
        ],
        400,
        "invalid toxic type at proxy 2 toxic 2",
      ],
    ];
    for (const [entries, status, message] of cases) {
      expect(await http("POST", "/populate", { body: JSON.stringify(entries) })).toEqual({
        status,
        contentType: JSON_TYPE,
        requestId: expect.stringMatching(/^[0-9a-v]{20}$/),
        nosniff: null,
        body: JSON.stringify({ error: message, status, proxies: null }),
      });
      expect((await http("GET", "/proxies")).body).toBe("{}");
    }
    expect(await http("POST", "/populate", { body: "{}" })).toMatchObject({
      status: 400,
      body: JSON.stringify({
        error:
          'bad request body: json: cannot unmarshal object into Go value of type []struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }',
        status: 400,
        proxies: null,
      }),
    });
  });

  it("keeps a proxy with the same listen and upstream (and its toxics); replaces one that differs", async () => {
    const kept = await client.createProxy({
      name: "kept",
      listen: "127.0.0.1:0",
      upstream: echo.address,
    });
    const replaced = await client.createProxy({
      name: "replaced",
      listen: "127.0.0.1:0",
      upstream: echo.address,
    });
    await http("POST", "/proxies/kept/toxics", { body: '{"type":"latency"}' });
    await http("POST", "/proxies/replaced/toxics", { body: '{"type":"latency"}' });
    const response = await http("POST", "/populate", {
      body: JSON.stringify([
        { name: "kept", listen: kept.listen, upstream: echo.address },
        { name: "replaced", listen: "127.0.0.1:0", upstream: echo.address },
      ]),
    });
    const { proxies } = JSON.parse(response.body) as {
      proxies: { name: string; listen: string; toxics: unknown[] }[];
    };
    expect(
      proxies.map((proxy) => [proxy.name, proxy.listen === kept.listen, proxy.toxics.length]),
    ).toEqual([
      ["kept", true, 1],
      ["replaced", false, 0],
    ]);
    expect(await tryConnect(portOf(replaced.listen))).toBe("ECONNREFUSED");
  });

  it("reports the proxies created before a bind failure, with its status", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const response = await http("POST", "/populate", {
        body: JSON.stringify([
          { name: "first", listen: "127.0.0.1:0", upstream: echo.address },
          { name: "second", listen: `127.0.0.1:${port}`, upstream: echo.address },
        ]),
      });
      const body = JSON.parse(response.body) as {
        error: string;
        status: number;
        proxies: { name: string }[];
      };
      expect([response.status, response.contentType, body.error, body.status]).toEqual([
        500,
        JSON_TYPE,
        `listen tcp 127.0.0.1:${port}: bind: address already in use`,
        500,
      ]);
      expect(body.proxies.map((proxy) => proxy.name)).toEqual(["first"]);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
