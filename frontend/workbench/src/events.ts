/** The activity feed's events as the page shows them, as pure functions (unit-tested). */
import type { Schemas } from "@kamld/client";

import { artifactPath } from "./api";
import { refPath } from "./runs";

export type FeedEvent = Schemas["Event"];

/** Every event type the feed records (the `type` filter of `GET /api/v1/events` takes these). */
export const EVENT_TYPES = [
  "alias.removed",
  "alias.set",
  "artifact.archived",
  "artifact.created",
  "artifact.edited",
  "artifact.unarchived",
  "gc.completed",
  "run.cancelled",
  "run.created",
  "run.failed",
  "run.retried",
  "run.started",
  "run.succeeded",
  "token.created",
  "token.revoked",
  "version.committed",
  "version.read",
] as const;

/** Where the event's target is shown: its run, its version (`NAME:vN`), else its artifact, else nowhere. */
export function targetPath(event: Pick<FeedEvent, "subject" | "artifact">): string | null {
  if (event.subject.startsWith("run:")) return `/runs/${encodeURIComponent(event.subject.slice(4))}`;
  if (event.artifact && event.subject.startsWith(`${event.artifact}:`)) {
    const version = refPath(event.subject);
    if (version) return version;
  }
  return event.artifact ? artifactPath(event.artifact) : null;
}

/** The version an alias event moved the alias to (`NAME:vN`), to link it too. */
export function aliasTarget(event: Pick<FeedEvent, "type" | "after">): string | null {
  if (event.type !== "alias.set") return null;
  const version = (event.after ?? {}).version;
  return typeof version === "string" && refPath(version) ? version : null;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "string") return value.length > 60 ? `${value.slice(0, 57)}…` : value;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Just the version part of a `NAME:vN` ref (`v3`), or the value as it is. */
function versionOf(value: unknown): string {
  if (typeof value !== "string") return show(value);
  const at = value.lastIndexOf(":");
  return at > 0 ? value.slice(at + 1) : value;
}

/** A short before → after of the event: one line a person reads at a glance. */
export function summarize(event: Pick<FeedEvent, "type" | "before" | "after" | "data">): string {
  const before = (event.before ?? {}) as Record<string, unknown>;
  const after = (event.after ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case "alias.set":
      return before.version
        ? `${show(after.alias)}: ${versionOf(before.version)} → ${versionOf(after.version)}`
        : `${show(after.alias)} set to ${versionOf(after.version)}`;
    case "alias.removed":
      return `${show(before.alias)} removed (was ${versionOf(before.version)})`;
    case "version.committed": {
      const message = typeof event.data?.message === "string" ? event.data.message : "";
      const head = before.latest
        ? `latest: ${versionOf(before.latest)} → ${versionOf(after.latest)}`
        : `first version ${versionOf(after.latest)}`;
      return message ? `${head} “${show(message)}”` : head;
    }
    case "artifact.created":
      return `created as ${show(after.kind)}`;
    default:
      break;
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  if (!keys.length) return "";
  return keys
    .slice(0, 3)
    .map((key) => `${key}: ${show(before[key])} → ${show(after[key])}`)
    .concat(keys.length > 3 ? [`and ${keys.length - 3} more`] : [])
    .join("; ");
}

/** Merge newly streamed events into the feed: newest first, each id once. */
export function mergeEvents(feed: FeedEvent[], incoming: FeedEvent[]): FeedEvent[] {
  const seen = new Set(feed.map((event) => event.id));
  const fresh = incoming.filter((event) => !seen.has(event.id) && (seen.add(event.id), true));
  if (!fresh.length) return feed;
  return fresh.concat(feed).sort((a, b) => b.id - a.id);
}

/** The page's filters (the query of `GET /api/v1/events` and of its stream). */
export interface EventFilters {
  type?: string;
  artifact?: string;
  actor?: string;
  since?: string;
}

/** The query of both the list and the stream for these filters (empty ones left out). */
export function filterQuery(filters: EventFilters): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(filters)) if (value) query[key] = value;
  return query;
}

/** `datetime-local` input value (local time, no zone) as the ISO instant the API takes. */
export function localToIso(local: string): string {
  if (!local) return "";
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString();
}
