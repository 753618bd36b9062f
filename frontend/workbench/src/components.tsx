import { useEffect, useState, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router-dom";

import { errorText } from "./api";

/** Every error shows the problem's detail, announced to screen readers. */
export function ErrorBox({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <div className="error" role="alert">
      {errorText(error)}
    </div>
  );
}

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p className="muted" role="status">
      {what}…
    </p>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setDone(true),
          () => setDone(false),
        );
        setTimeout(() => setDone(false), 1500);
      }}
    >
      {done ? "Copied" : label}
    </button>
  );
}

export function Labels({ labels }: { labels: Record<string, string> }) {
  const entries = Object.entries(labels);
  if (!entries.length) return null;
  return (
    <span className="labels">
      {entries.map(([key, value]) => (
        <span key={key} className="label">
          {value ? `${key}=${value}` : key}
        </span>
      ))}
    </span>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <div className="card-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** The search box of the top bar: opens `/search?q=…`. */
export function NavSearch() {
  const navigate = useNavigate();
  const location = useLocation();
  const current = location.pathname === "/search" ? (new URLSearchParams(location.search).get("q") ?? "") : "";
  const [text, setText] = useState(current);
  useEffect(() => setText(current), [current]);
  return (
    <form
      role="search"
      aria-label="Search everywhere"
      className="nav-search"
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim()) navigate(`/search?q=${encodeURIComponent(text.trim())}`);
      }}
    >
      <input
        type="search"
        aria-label="Search artifacts, versions, files and columns"
        placeholder="Search"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </form>
  );
}
