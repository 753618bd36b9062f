import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Link, NavLink, Route, Routes } from "react-router-dom";

import { NavSearch } from "./components";

import { ErrorBox, Loading } from "./components";
import Activity from "./pages/Activity";
import Artifact from "./pages/Artifact";
import Catalog from "./pages/Catalog";
import Diff from "./pages/Diff";
import Run from "./pages/Run";
import Runs from "./pages/Runs";
import SignIn from "./pages/SignIn";
import Status from "./pages/Status";
import Tokens from "./pages/Tokens";
import Version from "./pages/Version";
import { SessionProvider, useSession } from "./session";
import "./style.css";

// The graph libraries are loaded only when a lineage page opens.
const Lineage = lazy(() => import("./pages/Lineage"));
const Search = lazy(() => import("./pages/Search"));
const Query = lazy(() => import("./pages/Query"));

function Shell() {
  const { caller, checking, signOut, can } = useSession();
  if (checking) return <Loading what="Starting" />;
  if (!caller) return <SignIn />;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          KAML-D Workbench
        </Link>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Catalog
          </NavLink>
          <NavLink to="/runs">Runs</NavLink>
          <NavLink to="/activity">Activity</NavLink>
          <NavLink to="/query">Query</NavLink>
          <NavLink to="/status">Status</NavLink>
          {can("admin") ? <NavLink to="/tokens">Tokens</NavLink> : null}
        </nav>
        <NavSearch />
        <span className="who">
          {caller.name} <span className="badge">{caller.role}</span>
        </span>
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<Catalog />} />
            <Route path="/artifacts/:name" element={<Artifact />} />
            <Route path="/artifacts/:name/diff" element={<Diff />} />
            <Route path="/artifacts/:name/versions/:ref" element={<Version />} />
            <Route path="/artifacts/:name/versions/:ref/lineage" element={<Lineage />} />
            <Route path="/runs" element={<Runs />} />
            <Route path="/runs/:id" element={<Run />} />
            <Route path="/activity" element={<Activity />} />
            <Route path="/search" element={<Search />} />
            <Route path="/query" element={<Query />} />
            <Route path="/status" element={<Status />} />
            <Route
              path="/tokens"
              element={can("admin") ? <Tokens /> : <ErrorBox error={new Error("Managing tokens needs the admin role.")} />}
            />
            <Route path="*" element={<ErrorBox error={new Error("There is no page at this address.")} />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
