/** The activity feed, newest first: filters, older pages, and new events live from the stream. */
import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { api, formatTime, unwrap } from "../api";
import { ErrorBox, Loading } from "../components";
import {
  EVENT_TYPES,
  aliasTarget,
  filterQuery,
  localToIso,
  mergeEvents,
  summarize,
  targetPath,
  type EventFilters,
  type FeedEvent,
} from "../events";
import { useLoad } from "../hooks";
import { refPath } from "../runs";

const PAGE = 50;
type Live = "connecting" | "live" | "reconnecting" | "closed" | "off";

export default function Activity() {
  const [params, setParams] = useSearchParams();
  const filters: EventFilters = {
    type: params.get("type") ?? "",
    artifact: params.get("artifact") ?? "",
    actor: params.get("actor") ?? "",
    since: params.get("since") ?? "",
  };
  const key = JSON.stringify(filters);
  const [events, setEvents] = useState<FeedEvent[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>();
  const [live, setLive] = useState<Live>("off");

  const first = useLoad(async () => {
    setEvents([]);
    const page = unwrap(
      await api.GET("/api/v1/events", { params: { query: { ...filterQuery(filters), limit: PAGE } } }),
    );
    setEvents(page.items);
    setNext(page.next);
    setMoreError(undefined);
    return page;
  }, [key]);

  // Once the first page is in, follow the stream from its newest event on.
  const loaded = first.data;
  useEffect(() => {
    if (!loaded) return;
    const query = new URLSearchParams(filterQuery(filters));
    query.set("start_after", String(loaded.items[0]?.id ?? 0));
    const source = new EventSource(`/api/v1/events/stream?${query}`);
    setLive("connecting");
    const receive = (message: MessageEvent<string>) => {
      try {
        const event = JSON.parse(message.data) as FeedEvent;
        setEvents((feed) => mergeEvents(feed, [event]));
      } catch {
        /* a frame that is no event (a comment, a keep-alive) */
      }
    };
    source.onopen = () => setLive("live");
    // the browser reconnects by itself after a dropped connection, but not after an error answer
    source.onerror = () => setLive(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    source.onmessage = receive;
    for (const type of EVENT_TYPES) source.addEventListener(type, receive);
    return () => {
      source.close();
      setLive("off");
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded]);

  const loadMore = async () => {
    try {
      const page = unwrap(
        await api.GET("/api/v1/events", {
          params: { query: { ...filterQuery(filters), limit: PAGE, after: next ?? undefined } },
        }),
      );
      setEvents((feed) => mergeEvents(feed, page.items));
      setNext(page.next);
    } catch (problem) {
      setMoreError(problem);
    }
  };

  return (
    <div className="page">
      <h1>Activity{filters.artifact ? ` of ${filters.artifact}` : ""}</h1>
      <Filters
        filters={filters}
        onApply={(wanted) => setParams(new URLSearchParams(filterQuery(wanted)), { replace: true })}
      />
      <p className="muted" role="status" data-testid="live-state">
        {live === "live"
          ? "Live: new events appear at the top."
          : live === "reconnecting"
            ? "Reconnecting to the live feed…"
            : live === "connecting"
              ? "Connecting to the live feed…"
              : live === "closed"
                ? "The live feed was refused or stopped: reload the page to follow new events again."
                : ""}
      </p>
      <ErrorBox error={first.error} />
      {first.loading && !events.length ? <Loading /> : null}
      {!first.loading && !first.error && !events.length ? <p className="muted">No events match.</p> : null}
      {events.length ? <Feed events={events} /> : null}
      {next ? (
        <button type="button" className="secondary" onClick={loadMore}>
          Load older events
        </button>
      ) : null}
      <ErrorBox error={moreError} />
    </div>
  );
}

function isoToLocal(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function Filters({ filters, onApply }: { filters: EventFilters; onApply: (filters: EventFilters) => void }) {
  const [type, setType] = useState(filters.type ?? "");
  const [artifact, setArtifact] = useState(filters.artifact ?? "");
  const [actor, setActor] = useState(filters.actor ?? "");
  const [since, setSince] = useState(filters.since ? isoToLocal(filters.since) : "");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ type, artifact: artifact.trim(), actor: actor.trim(), since: localToIso(since) });
  };
  return (
    <form className="filters" aria-label="Filter events" onSubmit={submit}>
      <label>
        Type
        <select value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">any</option>
          {EVENT_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        Artifact
        <input value={artifact} onChange={(e) => setArtifact(e.target.value)} maxLength={128} placeholder="any" />
      </label>
      <label>
        Actor
        <input value={actor} onChange={(e) => setActor(e.target.value)} maxLength={256} placeholder="anyone" />
      </label>
      <label>
        Since
        <input type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
      </label>
      <button type="submit" className="secondary filter-apply">
        Apply
      </button>
    </form>
  );
}

function Feed({ events }: { events: FeedEvent[] }) {
  return (
    <div className="scroll-x table">
      <table aria-label="Events">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Actor</th>
            <th scope="col">Target</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <EventRow key={event.id} event={event} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EventRow({ event }: { event: FeedEvent }) {
  const target = targetPath(event);
  const moved = aliasTarget(event);
  const movedPath = moved ? refPath(moved) : null;
  return (
    <tr data-event-id={event.id}>
      <td>
        <time dateTime={event.occurred_at}>{formatTime(event.occurred_at)}</time>
      </td>
      <td>
        <span className="badge">{event.type}</span>
      </td>
      <td>{event.actor}</td>
      <td>
        {target ? <Link to={target}>{event.subject}</Link> : event.subject}
        {movedPath ? (
          <>
            {" "}
            → <Link to={movedPath}>{moved}</Link>
          </>
        ) : null}
      </td>
      <td>{summarize(event)}</td>
    </tr>
  );
}
