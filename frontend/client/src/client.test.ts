import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CSRF_HEADER, ProblemError, allPages, createKamldClient, filePath, unwrap } from "./index.js";

// A real HTTP server speaking the API's shapes, recording what it was sent.
let server: Server;
let baseUrl = "";
const seen: IncomingMessage[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request);
    const url = new URL(request.url ?? "/", "http://x");
    if (url.pathname === "/api/v1/artifacts") {
      const after = url.searchParams.get("after");
      const page = after ? { items: [{ name: "b" }], next: null } : { items: [{ name: "a" }], next: "a" };
      response.setHeader("Content-Type", "application/json");
      response.end(JSON.stringify(page));
      return;
    }
    response.statusCode = 404;
    response.setHeader("Content-Type", "application/problem+json");
    response.end(
      JSON.stringify({
        type: "https://kamld.dev/problems/artifact_not_found",
        title: "Not Found",
        status: 404,
        detail: "no artifact named 'nope'",
        code: "artifact_not_found",
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("createKamldClient", () => {
  it("sends the configured headers and parses a page", async () => {
    const client = createKamldClient({ baseUrl, headers: { Authorization: "Bearer secret" } });
    const page = unwrap(await client.GET("/api/v1/artifacts", { params: { query: { limit: 1 } } }));
    expect(page.items.map((a) => a.name)).toEqual(["a"]);
    expect(seen.at(-1)?.headers.authorization).toBe("Bearer secret");
    expect(seen.at(-1)?.url).toBe("/api/v1/artifacts?limit=1");
  });

  it("throws the problem's detail as a ProblemError", async () => {
    const client = createKamldClient({ baseUrl });
    const result = await client.GET("/api/v1/artifacts/{name}", { params: { path: { name: "nope" } } });
    expect(() => unwrap(result)).toThrowError(ProblemError);
    try {
      unwrap(result);
    } catch (error) {
      expect((error as ProblemError).code).toBe("artifact_not_found");
      expect((error as ProblemError).message).toBe("no artifact named 'nope'");
      expect((error as ProblemError).status).toBe(404);
    }
  });

  it("sends the CSRF token on mutations only", async () => {
    const client = createKamldClient({ baseUrl, csrf: () => "tok" });
    await client.GET("/api/v1/artifacts");
    expect(seen.at(-1)?.headers[CSRF_HEADER.toLowerCase()]).toBeUndefined();
    await client.PATCH("/api/v1/artifacts/{name}", { params: { path: { name: "x" } }, body: { description: "d" } });
    expect(seen.at(-1)?.method).toBe("PATCH");
    expect(seen.at(-1)?.headers[CSRF_HEADER.toLowerCase()]).toBe("tok");
  });

  it("follows next cursors through every page", async () => {
    const client = createKamldClient({ baseUrl });
    const names: string[] = [];
    for await (const artifact of allPages((after) => client.GET("/api/v1/artifacts", { params: { query: { after } } })))
      names.push(artifact.name);
    expect(names).toEqual(["a", "b"]);
  });

  it("encodes each segment of a file path", () => {
    expect(filePath("faces", "v2", "img/a b#.png")).toBe("/api/v1/artifacts/faces/versions/v2/files/img/a%20b%23.png");
  });
});

describe("the generated types", () => {
  it("match docs/openapi/public-v1.json (`make openapi` regenerates them)", () => {
    const script = fileURLToPath(new URL("../scripts/generate.mjs", import.meta.url));
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  }, 60_000);
});
