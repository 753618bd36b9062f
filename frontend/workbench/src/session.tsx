/** Who is signed in (from `/api/v1/me` with the session cookie), and signing in and out. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";

import type { Caller, Role } from "@kamld/client";

import { ProblemError, api, unwrap } from "./api";

interface SessionState {
  caller: Caller | null;
  checking: boolean;
  signIn(credentials: Credentials): Promise<void>;
  signOut(): Promise<void>;
  can(role: Role): boolean;
}

/** An API token, or a directory user name and password (when the platform has a directory). */
export type Credentials = { token: string } | { username: string; password: string };

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [caller, setCaller] = useState<Caller | null>(null);
  const [checking, setChecking] = useState(true);

  useEffect(() => {
    api
      .GET("/api/v1/me")
      .then((result) => setCaller(unwrap(result)))
      .catch(() => setCaller(null))
      .finally(() => setChecking(false));
  }, []);

  const signIn = useCallback(async (credentials: Credentials) => {
    const session = unwrap(await api.POST("/api/v1/session", { body: credentials }));
    setCaller({ name: session.name, role: session.role });
  }, []);

  const signOut = useCallback(async () => {
    const result = await api.DELETE("/api/v1/session");
    if (!result.response.ok) throw new ProblemError(result.error as never, result.response.status);
    setCaller(null);
  }, []);

  const can = useCallback((role: Role) => caller !== null && RANK[caller.role] >= RANK[role], [caller]);

  return (
    <SessionContext.Provider value={{ caller, checking, signIn, signOut, can }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
