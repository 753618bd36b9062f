import { describe, expect, it } from "vitest";

import openapi from "../../../docs/openapi/public-v1.json?raw";
import { EVENT_TYPES, aliasTarget, filterQuery, localToIso, mergeEvents, summarize, targetPath, type FeedEvent } from "./events";

function event(id: number, fields: Partial<FeedEvent> = {}): FeedEvent {
  return {
    id,
    event_id: null,
    type: "alias.set",
    actor: "alice",
    subject: "faces@production",
    artifact: "faces",
    before: null,
    after: null,
    data: {},
    trace_id: null,
    source: "metadata-hub",
    occurred_at: "2026-01-01T00:00:00Z",
    recorded_at: "2026-01-01T00:00:00Z",
    ...fields,
  };
}

describe("event types", () => {
  it("are the types the API's filter takes", () => {
    const document = JSON.parse(openapi) as { paths: Record<string, { get: { parameters: { name: string; schema: { pattern: string } }[] } }> };
    const parameter = document.paths["/api/v1/events"]!.get.parameters.find((p) => p.name === "type")!;
    const listed = parameter.schema.pattern.replace(/^\^\(|\)\$$/g, "").replace(/\\\./g, ".").split("|");
    expect([...EVENT_TYPES].sort()).toEqual(listed.sort());
  });
});

describe("summarize", () => {
  it("says where an alias moved", () => {
    const moved = event(1, {
      before: { alias: "production", version: "faces:v1" },
      after: { alias: "production", version: "faces:v2" },
    });
    expect(summarize(moved)).toBe("production: v1 → v2");
    expect(summarize(event(2, { before: { alias: "prod", version: null }, after: { alias: "prod", version: "faces:v1" } }))).toBe(
      "prod set to v1",
    );
    expect(
      summarize(event(3, { type: "alias.removed", before: { alias: "prod", version: "faces:v4" }, after: null })),
    ).toBe("prod removed (was v4)");
  });

  it("says what a push changed, with its message", () => {
    const pushed = event(4, {
      type: "version.committed",
      subject: "faces:v2",
      before: { latest: "faces:v1" },
      after: { latest: "faces:v2", digest: "sha256:x" },
      data: { message: "three more people", parents: ["faces:v1"] },
    });
    expect(summarize(pushed)).toBe("latest: v1 → v2 “three more people”");
    expect(summarize({ ...pushed, before: { latest: null }, data: {} })).toBe("first version v2");
  });

  it("lists the changed fields of any other event, briefly", () => {
    const edited = event(5, {
      type: "artifact.edited",
      subject: "faces",
      before: { description: "old", labels: { a: "1" } },
      after: { description: "new", labels: { a: "1" } },
    });
    expect(summarize(edited)).toBe("description: old → new");
    expect(summarize(event(6, { type: "token.created", before: null, after: null }))).toBe("");
    const many = event(7, { type: "gc.completed", before: {}, after: { a: 1, b: 2, c: 3, d: "x".repeat(80) } });
    expect(summarize(many)).toBe("a: none → 1; b: none → 2; c: none → 3; and 1 more");
  });
});

describe("links", () => {
  it("links a version subject to its version, anything else of an artifact to the artifact", () => {
    expect(targetPath(event(1, { subject: "faces:v2" }))).toBe("/artifacts/faces/versions/v2");
    expect(targetPath(event(1, { subject: "faces@production" }))).toBe("/artifacts/faces");
    expect(targetPath(event(1, { subject: "token:ci", artifact: null }))).toBeNull();
    expect(targetPath(event(1, { subject: "run:3f2a", artifact: "faces-model" }))).toBe("/runs/3f2a");
    expect(aliasTarget(event(1, { after: { alias: "production", version: "faces:v2" } }))).toBe("faces:v2");
    expect(aliasTarget(event(1, { type: "alias.removed", after: null }))).toBeNull();
  });
});

describe("mergeEvents", () => {
  it("keeps the feed newest first with each event once", () => {
    const feed = [event(5), event(3)];
    expect(mergeEvents(feed, [event(6), event(5), event(6)]).map((e) => e.id)).toEqual([6, 5, 3]);
    expect(mergeEvents(feed, [event(3)])).toBe(feed);
    expect(mergeEvents(feed, [event(4)]).map((e) => e.id)).toEqual([5, 4, 3]);
  });
});

describe("filters", () => {
  it("leaves empty filters out of the query and sends times as ISO instants", () => {
    expect(filterQuery({ type: "", artifact: "faces", actor: undefined, since: "" })).toEqual({ artifact: "faces" });
    expect(localToIso("")).toBe("");
    expect(localToIso("2026-03-04T05:06")).toBe(new Date(2026, 2, 4, 5, 6).toISOString());
  });
});
