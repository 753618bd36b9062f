// Generated from docs/openapi/public-v1.json by `make openapi` (openapi-typescript); do not edit.

export interface paths {
    "/api/v1/artifacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List artifacts
         * @description Artifacts sorted by name, filtered by kind and labels.
         */
        get: operations["listArtifacts"];
        put?: never;
        /**
         * Create an artifact
         * @description Register a new, empty artifact (a push with `kind` also creates one).
         */
        post: operations["createArtifact"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an artifact
         * @description One artifact with its labels, version count and latest version.
         */
        get: operations["getArtifact"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update an artifact
         * @description Merge patch of description and labels (a label set to null is removed).
         */
        patch: operations["updateArtifact"];
        trace?: never;
    };
    "/api/v1/artifacts/{name}/aliases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List aliases
         * @description Every alias of the artifact with the version it points at.
         */
        get: operations["listAliases"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/aliases/{alias}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set or move an alias
         * @description Point the alias at a version; `expected_version` makes the move compare-and-set (409 when lost).
         *     When the alias has a promotion policy the version must pass it (409 `promotion_refused` lists every
         *     reason); an admin may move anyway with `override_reason`, which the alias history keeps.
         */
        put: operations["setAlias"];
        post?: never;
        /**
         * Delete an alias
         * @description Remove the alias; the deletion stays in its history.
         */
        delete: operations["deleteAlias"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/aliases/{alias}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Alias history
         * @description Every move of the alias, newest first.
         */
        get: operations["listAliasHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/aliases/{alias}/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an alias's promotion policy
         * @description The rules every move of the alias must pass (404 `policy_not_found` when it has none).
         */
        get: operations["getAliasPolicy"];
        /**
         * Set an alias's promotion policy
         * @description Replace the rules every later move of the alias must pass; the alias need not exist yet.
         */
        put: operations["setAliasPolicy"];
        post?: never;
        /**
         * Delete an alias's promotion policy
         * @description Let the alias move freely again.
         */
        delete: operations["deleteAliasPolicy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Archive an artifact
         * @description Hide the artifact from listings and refuse new versions; its versions stay readable.
         */
        post: operations["archiveArtifact"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/diff": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Diff two versions
         * @description Files added, removed, modified or renamed from one version to another, in path order.
         */
        get: operations["diffVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/diff/rows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Row-level diff of a table
         * @description Rows added, removed and changed (by `key`, or whole rows without one) and columns added,
         *     removed or retyped between two versions of one table; paged.
         */
        get: operations["diffTableRows"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/unarchive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore an archived artifact
         * @description Undo an archive.
         */
        post: operations["unarchiveArtifact"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Version log
         * @description The artifact's versions, newest first.
         */
        get: operations["listVersions"];
        put?: never;
        /**
         * Create a version from a committed upload
         * @description Record the committed manifest `digest` as the next version and move `latest`; labels and
         *     description given apply to the artifact with it. Content equal to the newest version's records
         *     nothing (200, `unchanged: true`) unless `allow_empty`.
         */
        post: operations["createVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/versions/{ref}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a version
         * @description One version by number, alias or digest prefix.
         */
        get: operations["getVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/versions/{ref}/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List files
         * @description The version's files in path order, a page at a time.
         */
        get: operations["listFiles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/versions/{ref}/files/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a file
         * @description Stream one file; a `Range: bytes=…` request answers 206 with that part; `ETag` is the file digest.
         *     `Content-Type` follows the file name's extension and `Content-Disposition` names the file.
         */
        get: operations["downloadFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * A file's headers
         * @description What a download would answer, status and headers (type, name, length, ETag), with no body.
         */
        head: operations["headFile"];
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/versions/{ref}/lineage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lineage graph
         * @description Versions this one was made from (`up`), made from it (`down`), or both, to `depth` hops.
         */
        get: operations["getLineage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/artifacts/{name}/versions/{ref}/profile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Profile of a version
         * @description The version's tables (schema, row count, status) and a summary of its images; with `path`,
         *     one table's column statistics. `status` is pending while the version is being profiled.
         */
        get: operations["getProfile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chunks/{digest}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download one chunk
         * @description The chunk's verified bytes.
         */
        get: operations["getChunk"];
        /**
         * Upload one chunk
         * @description Store one chunk whose body hashes to `digest`; idempotent.
         */
        put: operations["putChunk"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chunks/delta": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Download chunks as deltas
         * @description Each chunk minus the prefix and suffix it shares with the bytes the client already holds.
         */
        post: operations["readChunkDeltas"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chunks/grant": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Grant direct chunk downloads
         * @description A short-lived grant to read chunks (`/chunks/read`, `/chunks/delta`, `/chunks/{digest}`) straight from
         *     storage-gateway at `url`; 404 `direct_transfer_unavailable` means use the routes here.
         */
        post: operations["grantChunkReads"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chunks/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Download a batch of chunks
         * @description Several verified chunks in one streamed response.
         */
        post: operations["readChunks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List events, newest first
         * @description The activity and audit feed: every recorded change, newest first, filtered.
         */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow events live (server-sent events)
         * @description Every event after `start_after` (or the `Last-Event-ID` a reconnecting client sends), then each new
         *     one.
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/gc": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Collect garbage
         * @description Delete content no version and no open upload references, older than the grace period (admin).
         */
        post: operations["collectGarbage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/manifests/{digest}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Manifest summary
         * @description File count, total bytes and page count of a committed manifest.
         */
        get: operations["getManifest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/manifests/{digest}/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a manifest's files
         * @description Files with their chunks, in path order, a page at a time.
         */
        get: operations["listManifestFiles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/manifests/{digest}/files/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a file of a manifest
         * @description The file's bytes, streamed; honours `Range`.
         */
        get: operations["downloadManifestFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/manifests/{old}/diff/{new}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Diff two manifests
         * @description Added, removed, modified and renamed files, in path order.
         */
        get: operations["diffManifests"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who am I
         * @description The name and role of the token this request carries.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/query": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run SQL over versions
         * @description Pin the references to exact versions, then run the query read-only within its limits.
         */
        post: operations["runQuery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/recall": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Recall content
         * @description Every version of every artifact holding exactly this content (whatever its path), every
         *     version made from those (splits, models), and every alias pointing at one of them now.
         */
        get: operations["recallContent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List runs
         * @description Runs, newest first.
         */
        get: operations["listRuns"];
        put?: never;
        /**
         * Start a run
         * @description Queue a run; its inputs and code are pinned to exact versions now. A bad recipe, param or
         *     input is refused (422, naming the field) before anything is queued.
         */
        post: operations["createRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a run
         * @description One run: its spec, status, error, metrics and the version it registered.
         */
        get: operations["getRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{run_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a run
         * @description A queued run ends at once; a running one gets SIGTERM, then SIGKILL after a grace period.
         */
        post: operations["cancelRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{run_id}/finish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finish a run tracked by hand
         * @description Record how a run tracked by hand (executor `external`) ended.
         */
        post: operations["finishRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{run_id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a run's log
         * @description The run's stdout and stderr; with `follow`, a stream that ends when the run does.
         */
        get: operations["getRunLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{run_id}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a run's metrics
         * @description Every metric the run logged, as series by step.
         */
        get: operations["getRunMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{run_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a run
         * @description A new run with a finished run's spec and the same pinned input versions.
         */
        post: operations["retryRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{run_id}/track": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log metrics and params
         * @description Add metrics and params to a running run (the SDK's `kamld.start_run` outside the trainer).
         */
        post: operations["trackRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search the catalog
         * @description Ranked artifacts, versions, files and columns, with highlighted matches and facet counts.
         *     Answers 503 while the search engine is down (pushes go on; indexing catches up).
         */
        get: operations["searchCatalog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/search/reindex": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rebuild the search index
         * @description Queue a rebuild of the search engine from the catalog (admin).
         */
        post: operations["reindexSearch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/search/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Indexing backlog
         * @description Which engine answers searches and how many index jobs wait.
         */
        get: operations["getSearchStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in (browser)
         * @description Exchange an API token, or a directory user name and password, for a session cookie
         *     (HttpOnly, SameSite=Strict) and a CSRF token.
         */
        post: operations["createSession"];
        /**
         * Sign out (browser)
         * @description Clear the session cookies (the API token itself stays valid).
         */
        delete: operations["deleteSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/session/methods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How one may sign in
         * @description Open without a token, for the sign-in page: which ways of signing in this platform offers.
         */
        get: operations["getSignInMethods"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Platform status
         * @description Health, readiness, version and key figures of every service; ``status`` is ``degraded`` when any
         *     is not ready. Without observation-hub the gateway probes the services itself (no figures then).
         */
        get: operations["getStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List tokens
         * @description Every token with its role and when it was last used (never the secrets).
         */
        get: operations["listTokens"];
        put?: never;
        /**
         * Create a token
         * @description Issue a token; its secret appears in this answer only.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a token
         * @description Revoke a token at once; requests carrying it are refused from now on.
         */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open an upload session
         * @description Start a push; what it uploads is safe from garbage collection until the session expires.
         */
        post: operations["openUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/uploads/{upload_id}/chunks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a batch of chunks
         * @description Store several chunks at once; each is verified against its digest.
         */
        post: operations["uploadChunks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/uploads/{upload_id}/commit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Commit the manifest
         * @description Build the manifest from NDJSON file entries (sorted by path) and the files uploaded whole or
         *     staged by a split.
         */
        post: operations["commitUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/uploads/{upload_id}/files/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Upload a whole file
         * @description For clients that cannot chunk: the server chunks the streamed file.
         */
        put: operations["uploadFile"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/uploads/{upload_id}/grant": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Grant direct chunk uploads
         * @description A short-lived grant to send this upload's chunks (`/uploads/{id}/chunks`, `/missing`) straight
         *     to storage-gateway at `url`; 404 `direct_transfer_unavailable` means use the routes here.
         */
        post: operations["grantUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/uploads/{upload_id}/missing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Which chunks are missing
         * @description Of up to 10,000 chunk digests, those the store lacks (send only these).
         */
        post: operations["findMissingChunks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/uploads/{upload_id}/split-files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Split a version's files
         * @description Stage the files of a version (less `exclude`) as `train/PATH`, `test/PATH` (and `val/PATH`)
         *     of this session by a seeded shuffle of the path-sorted files; the files name the chunks already
         *     stored, so nothing is uploaded. Commit the session (an empty body will do) to record them.
         */
        post: operations["splitFiles"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/uploads/{upload_id}/split-table": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Split a table by rows
         * @description Write the rows of one table file of a version (CSV, TSV, Parquet, JSON Lines) as
         *     `train/PATH`, `test/PATH` (and `val/PATH`) of this session, chosen by a seeded hash per row
         *     (per value of `stratify` when given); commit the session to record them.
         */
        post: operations["splitTable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Check versions against the object store
         * @description Which versions miss chunks or manifest objects in the object store, and the files affected (admin).
         *
         *     Pages through the catalog's versions in the order they were recorded (`total` counts them all);
         *     every item says whether the version is whole (`ok`) and, when not, what is missing.
         */
        get: operations["verifyVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List webhooks
         * @description Every webhook (never the secrets).
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Add a webhook
         * @description Subscribe a URL to events recorded from now on; the answer holds its signing secret, once.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{webhook_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a webhook
         * @description Stop its deliveries and drop its delivery log.
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{webhook_id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A webhook's deliveries
         * @description Its delivery log, newest first: attempts, the last answer or error, pending, delivered or dead.
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** AliasEventView */
        AliasEventView: {
            /**
             * Action
             * @enum {string}
             */
            action: "set" | "move" | "delete";
            /** Actor */
            actor: string;
            /** Alias */
            alias: string;
            /** Artifact */
            artifact: string;
            /**
             * At
             * Format: date-time
             */
            at: string;
            /** From Version */
            from_version: number | null;
            /** Id */
            id: number;
            /**
             * Overridden
             * @description The policy's refusals the override set aside
             */
            overridden?: components["schemas"]["GateReason"][];
            /**
             * Override Reason
             * @description Why the move went past the alias's promotion policy (`actor` overrode it)
             */
            override_reason?: string | null;
            /** To Version */
            to_version: number | null;
        };
        /** AliasEventViewPage */
        AliasEventViewPage: {
            /** Items */
            items: components["schemas"]["AliasEventView"][];
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
        };
        /** AliasHit */
        AliasHit: {
            /** Alias */
            alias: string;
            /** Artifact */
            artifact: string;
            /**
             * Ref
             * @description The version it points at, which holds the content or was made from it
             */
            ref: string;
        };
        /** AliasPolicySet */
        AliasPolicySet: {
            /** Rules */
            rules: (components["schemas"]["MetricNotWorse"] | components["schemas"]["MetricThreshold"] | components["schemas"]["SignatureMatchesInputs"] | components["schemas"]["RequiresMetadata"])[];
        };
        /** AliasPolicyView */
        AliasPolicyView: {
            /** Alias */
            alias: string;
            /** Artifact */
            artifact: string;
            /** Rules */
            rules: (components["schemas"]["MetricNotWorse"] | components["schemas"]["MetricThreshold"] | components["schemas"]["SignatureMatchesInputs"] | components["schemas"]["RequiresMetadata"])[];
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /** Updated By */
            updated_by: string;
        };
        /** AliasSet */
        AliasSet: {
            /**
             * Expected Version
             * @description Compare-and-set: refuse (409) unless the alias points at this version now
             */
            expected_version?: string | null;
            /**
             * Override Reason
             * @description Admins only: move even though the alias's promotion policy refuses the version; the reason is kept in the alias history (a non-admin sending it gets 403)
             */
            override_reason?: string | null;
            /**
             * Version
             * @description `v3`, `3`, another alias, or a digest prefix (empty: `latest`)
             * @example v3
             */
            version: string;
        };
        /** AliasView */
        AliasView: {
            /** Alias */
            alias: string;
            /** Artifact */
            artifact: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /** Updated By */
            updated_by: string;
            version: components["schemas"]["VersionLink"];
        };
        /** ArtifactCreate */
        ArtifactCreate: {
            /**
             * Description
             * @default
             */
            description?: string;
            /**
             * Kind
             * @enum {string}
             */
            kind: "dataset" | "model" | "code";
            /** Labels */
            labels?: {
                [key: string]: string;
            };
            /**
             * Name
             * @example faces
             */
            name: string;
        };
        /**
         * ArtifactUpdate
         * @description A merge patch: absent fields stay; a label set to null is removed.
         */
        ArtifactUpdate: {
            /** Description */
            description?: string | null;
            /** Labels */
            labels?: {
                [key: string]: string | null;
            } | null;
        };
        /** ArtifactView */
        ArtifactView: {
            /** Archived */
            archived: boolean;
            /** Archived At */
            archived_at: string | null;
            /** Archived By */
            archived_by: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Created By */
            created_by: string;
            /** Description */
            description: string;
            /**
             * Kind
             * @enum {string}
             */
            kind: "dataset" | "model" | "code";
            /** Labels */
            labels: {
                [key: string]: string;
            };
            /** @description The version `latest` points at; null before the first push */
            latest: components["schemas"]["VersionLink"] | null;
            /** Name */
            name: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /** Version Count */
            version_count: number;
        };
        /** ArtifactViewPage */
        ArtifactViewPage: {
            /** Items */
            items: components["schemas"]["ArtifactView"][];
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
        };
        /**
         * Caller
         * @description Who sent the current request.
         */
        Caller: {
            /** Name */
            name: string;
            role: components["schemas"]["Role"];
        };
        /** ChunkDeltaList */
        ChunkDeltaList: {
            /**
             * Chunks
             * @description Chunks to read, each against its base
             */
            chunks: components["schemas"]["ChunkDeltaWanted"][];
        };
        /** ChunkDeltaWanted */
        ChunkDeltaWanted: {
            /**
             * Base
             * @description Chunks the client holds; their concatenation, cut by `base_offset` and `base_size`, is the base whose shared prefix and suffix are not sent
             */
            base: string[];
            /**
             * Base Offset
             * @description Where the base starts in the concatenated chunks
             * @default 0
             */
            base_offset?: number;
            /**
             * Base Size
             * @description The base's length; to the end when absent
             */
            base_size?: number | null;
            /**
             * Digest
             * @description The chunk wanted
             */
            digest: string;
        };
        /** ChunkReadList */
        ChunkReadList: {
            /**
             * Digests
             * @description Chunk digests, at most 1,000 per call (storage-gateway's default limit, which it enforces)
             */
            digests: string[];
        };
        /** ChunksStored */
        ChunksStored: {
            /** Bytes */
            bytes: number;
            /** Received */
            received: number;
            /**
             * Stored
             * @description Chunks new to the store (the rest were deduplicated)
             */
            stored: number;
        };
        /** ColumnType */
        ColumnType: {
            /** Name */
            name: string;
            /** Type */
            type: string;
        };
        /** CommitResult */
        CommitResult: {
            /**
             * Digest
             * @description The manifest digest: name it in `POST /artifacts/{name}/versions`
             */
            digest: string;
            /** File Count */
            file_count: number;
            /** Page Count */
            page_count: number;
            /** Total Bytes */
            total_bytes: number;
        };
        /** ContainingVersion */
        ContainingVersion: {
            /**
             * Aliases
             * @description Aliases of this artifact that point at this version now
             */
            aliases: string[];
            /** Artifact */
            artifact: string;
            /** Digest */
            digest: string;
            /** Kind */
            kind: string;
            /**
             * Name
             * @description `v<number>`
             */
            name: string;
            /** Number */
            number: number;
            /**
             * Paths
             * @description Where the content sits in this version (up to 100 paths)
             */
            paths: string[];
            /**
             * Ref
             * @description `<artifact>:v<number>`
             */
            ref: string;
        };
        /** DiffView */
        DiffView: {
            /** Changes */
            changes: components["schemas"]["FileChange"][];
            from_version: components["schemas"]["VersionLink"];
            /**
             * Next
             * @description Pass as `after` for the following changes
             */
            next?: string | null;
            to_version: components["schemas"]["VersionLink"];
        };
        /** DigestList */
        DigestList: {
            /**
             * Digests
             * @description Chunk digests
             */
            digests: string[];
        };
        /**
         * DirectorySignIn
         * @description Sign in with a directory (LDAP) user name and password, where the platform has a directory.
         */
        DirectorySignIn: {
            /**
             * Password
             * Format: password
             * @description The user's password
             */
            password: string;
            /**
             * Username
             * @description The directory user name
             */
            username: string;
        };
        /** DownstreamVersion */
        DownstreamVersion: {
            /**
             * Aliases
             * @description Aliases of this artifact that point at this version now
             */
            aliases: string[];
            /** Artifact */
            artifact: string;
            /** Digest */
            digest: string;
            /**
             * Distance
             * @description Input edges from the nearest version holding the content
             */
            distance: number;
            /** Kind */
            kind: string;
            /**
             * Made From
             * @description The versions (refs) this one was made from on the way
             */
            made_from: string[];
            /**
             * Name
             * @description `v<number>`
             */
            name: string;
            /** Number */
            number: number;
            /**
             * Ref
             * @description `<artifact>:v<number>`
             */
            ref: string;
            /**
             * Role
             * @description The input role of the first such edge (`train`, `input`, ...)
             */
            role: string;
        };
        /**
         * Event
         * @description One recorded change: who did what to which target, with the state before and after.
         */
        Event: {
            /**
             * Actor
             * @description Who did it (token name)
             */
            actor: string;
            /**
             * After
             * @description The changed state after
             */
            after: {
                [key: string]: unknown;
            } | null;
            /**
             * Artifact
             * @description The artifact it concerns, if any
             */
            artifact: string | null;
            /**
             * Before
             * @description The changed state before
             */
            before: {
                [key: string]: unknown;
            } | null;
            /** Data */
            data: {
                [key: string]: unknown;
            };
            /**
             * Event Id
             * @description The producer's event id (a UUID)
             */
            event_id: string | null;
            /**
             * Id
             * @description Position in the feed; later events have larger ids
             */
            id: number;
            /**
             * Occurred At
             * Format: date-time
             */
            occurred_at: string;
            /**
             * Recorded At
             * Format: date-time
             */
            recorded_at: string;
            /**
             * Source
             * @description The service that recorded it
             */
            source: string | null;
            /**
             * Subject
             * @description The target: `faces:v4`, `faces@production`, `token:ci`, ...
             */
            subject: string;
            /**
             * Trace Id
             * @description W3C trace id of the change (its trace in Jaeger)
             */
            trace_id: string | null;
            /**
             * Type
             * @description What happened, e.g. `version.committed`, `alias.set`, `token.revoked`
             */
            type: string;
        };
        /** EventPage */
        EventPage: {
            /** Items */
            items: components["schemas"]["Event"][];
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
        };
        /**
         * FileChange
         * @description One changed path; sizes and digests of the old and new file where they exist.
         */
        FileChange: {
            /**
             * Change
             * @enum {string}
             */
            change: "added" | "removed" | "modified" | "renamed";
            /** New Digest */
            new_digest?: string | null;
            /** New Size */
            new_size?: number | null;
            /** Old Digest */
            old_digest?: string | null;
            /** Old Path */
            old_path?: string | null;
            /** Old Size */
            old_size?: number | null;
            /** Path */
            path: string;
        };
        /** FileProfileView */
        FileProfileView: {
            /**
             * Columns
             * @description Per column: name, type, nulls, distinct_approx, min, max; numbers also mean, stddev, quantiles (q25, q50, q75) and histogram (from, to, count); text also top_values
             */
            columns: {
                [key: string]: unknown;
            }[];
            /** Format */
            format: string;
            /** Path */
            path: string;
            /** Reason */
            reason?: string | null;
            /** Ref */
            ref: string;
            /** Rows */
            rows: number | null;
            /**
             * Status
             * @enum {string}
             */
            status: "ok" | "sampled" | "unreadable";
        };
        /** FileSplitAnswer */
        FileSplitAnswer: {
            /**
             * Counts
             * @description Files staged per part: `train`, `test` (and `val`)
             */
            counts: {
                [key: string]: number;
            };
            /**
             * Digest
             * @description That version's manifest digest
             */
            digest: string;
            /**
             * Excluded
             * @description Files of the source left out
             */
            excluded: number;
            /**
             * Version
             * @description The exact version split, `NAME:vN`
             */
            version: string;
        };
        /** FileSplitRequest */
        FileSplitRequest: {
            /**
             * Exclude
             * @description Paths of the source left out (such as tables split by rows); each must be a file of it
             * @default []
             */
            exclude?: string[];
            /**
             * Seed
             * @description The same seed gives the same parts
             * @default 0
             */
            seed?: number;
            /**
             * Source
             * @description The version whose files are split, `NAME[:REF]` (checked when the split runs)
             */
            source: string;
            /**
             * Test
             * @description Fraction of the files for `test/`
             */
            test: number;
            /**
             * Val
             * @description Fraction of the files for `val/` (0: no `val/`)
             * @default 0
             */
            val?: number;
        };
        /** FileStored */
        FileStored: {
            /** Chunk Count */
            chunk_count: number;
            /** Digest */
            digest: string;
            /** Mode */
            mode: number;
            /** Path */
            path: string;
            /** Size */
            size: number;
        };
        /** FileView */
        FileView: {
            /** Digest */
            digest: string;
            /** Mode */
            mode: number;
            /** Path */
            path: string;
            /** Size */
            size: number;
        };
        /** FileViewPage */
        FileViewPage: {
            /** Items */
            items: components["schemas"]["FileView"][];
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
        };
        /** FinishIn */
        FinishIn: {
            /** Error */
            error?: string | null;
            /**
             * Output Version
             * @description `NAME:vN` the run pushed
             */
            output_version?: string | null;
            /**
             * Status
             * @enum {string}
             */
            status: "succeeded" | "failed";
        };
        /**
         * GateReason
         * @description Why one rule of a promotion policy refuses a version.
         */
        GateReason: {
            /** Message */
            message: string;
            /**
             * Rule
             * @description The rule's name, e.g. `metric_not_worse`
             */
            rule: string;
        };
        /** GcReport */
        GcReport: {
            /**
             * Bytes
             * @description Their total size
             */
            bytes: number;
            /** Dry Run */
            dry_run: boolean;
            /**
             * Marked
             * @description Objects found referenced and kept
             */
            marked: number;
            /**
             * Objects
             * @description Objects deleted (or that would be, in a dry run)
             */
            objects: number;
        };
        /** HighlightView */
        HighlightView: {
            /**
             * Field
             * @description `title`: the name or path; `body`: the rest
             * @enum {string}
             */
            field: "title" | "body";
            /**
             * Spans
             * @description [start, end) character offsets of the matches in `text`
             */
            spans: [
                number,
                number
            ][];
            /**
             * Text
             * @description The field's text, or a window of it around the matches
             */
            text: string;
        };
        /** IndexStatusView */
        IndexStatusView: {
            /**
             * Backlog
             * @description Index jobs waiting, by kind
             */
            backlog: {
                [key: string]: number;
            };
            /** Engine */
            engine: string;
        };
        /** InputLink */
        InputLink: {
            /** Artifact */
            artifact: string;
            /** Digest */
            digest: string;
            /**
             * Name
             * @description `v<number>`
             */
            name: string;
            /** Number */
            number: number;
            /**
             * Ref
             * @description `<artifact>:v<number>`
             */
            ref: string;
            /** Role */
            role: string;
        };
        /** InputSpec */
        InputSpec: {
            /**
             * Ref
             * @description `NAME[:REF]` of a version of another artifact
             * @example raw-images:v3
             */
            ref: string;
            /**
             * Role
             * @description How the input was used; `parent` is reserved for `parents`
             * @example trained_on
             * @example derived_from
             */
            role: string;
        };
        /** LabelFacet */
        LabelFacet: {
            /** Count */
            count: number;
            /** Key */
            key: string;
            /** Value */
            value: string;
        };
        /**
         * LineageEdge
         * @description ``from`` was used to make ``to``: a parent (role `parent`) or an input in ``role``.
         */
        LineageEdge: {
            /**
             * From
             * @description Ref of the upstream version
             */
            from: string;
            /** Role */
            role: string;
            /**
             * To
             * @description Ref of the downstream version
             */
            to: string;
        };
        /** LineageGraph */
        LineageGraph: {
            /** Depth */
            depth: number;
            /**
             * Direction
             * @enum {string}
             */
            direction: "up" | "down" | "both";
            /** Edges */
            edges: components["schemas"]["LineageEdge"][];
            /** Nodes */
            nodes: components["schemas"]["LineageNode"][];
            /** Root */
            root: string;
            /**
             * Truncated
             * @description True when the node limit cut the walk short
             */
            truncated: boolean;
        };
        /** LineageNode */
        LineageNode: {
            /** Artifact */
            artifact: string;
            /** Author */
            author: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Digest */
            digest: string;
            /**
             * Distance
             * @description Edges between this version and the root (0 for the root)
             */
            distance: number;
            /**
             * Kind
             * @enum {string}
             */
            kind: "dataset" | "model" | "code";
            /** Message */
            message: string;
            /**
             * Name
             * @description `v<number>`
             */
            name: string;
            /** Number */
            number: number;
            /**
             * Ref
             * @description `<artifact>:v<number>`
             */
            ref: string;
        };
        /** ManifestChange */
        ManifestChange: {
            /** Change */
            change: string;
            new?: components["schemas"]["ManifestFile"] | null;
            old?: components["schemas"]["ManifestFile"] | null;
            /** Old Path */
            old_path?: string | null;
            /** Path */
            path: string;
        };
        /** ManifestDiff */
        ManifestDiff: {
            /** Items */
            items: components["schemas"]["ManifestChange"][];
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
            /** Renames Detected */
            renames_detected: boolean;
        };
        /** ManifestFile */
        ManifestFile: {
            /**
             * Chunks
             * @description [digest, size] pairs in file order
             */
            chunks: [
                string,
                number
            ][];
            /** Digest */
            digest: string;
            /** Mode */
            mode: number;
            /** Path */
            path: string;
            /** Size */
            size: number;
        };
        /**
         * ManifestFiles
         * @description A manifest's files in path order, a page at a time.
         */
        ManifestFiles: {
            /** Items */
            items: components["schemas"]["ManifestFile"][];
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
        };
        /** ManifestSummary */
        ManifestSummary: {
            /** Digest */
            digest: string;
            /** File Count */
            file_count: number;
            /** Page Count */
            page_count: number;
            /** Total Bytes */
            total_bytes: number;
        };
        /** MetricIn */
        MetricIn: {
            /** Key */
            key: string;
            /**
             * Step
             * @description Training step; at most 2^53
             * @default 0
             */
            step?: number;
            /** Value */
            value: number;
        };
        /**
         * MetricNotWorse
         * @description The candidate's metric is at least as good as the current holder's; a candidate without the
         *     metric fails; with no holder (or a holder without the metric) the rule passes.
         */
        MetricNotWorse: {
            /**
             * Direction
             * @description max: higher is better (accuracy); min: lower is better (loss)
             * @default max
             * @enum {string}
             */
            direction?: "max" | "min";
            /**
             * Metric
             * @description A metric of the version's metadata: `run.metrics.NAME` (what runs record), else `metrics.NAME`, else `NAME`
             * @example accuracy
             */
            metric: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            rule: "metric_not_worse";
            /**
             * Tolerance
             * @description How much worse the candidate may be
             * @default 0
             */
            tolerance?: number;
        };
        /** MetricPoint */
        MetricPoint: {
            /**
             * At
             * Format: date-time
             */
            at: string;
            /** Step */
            step: number;
            /** Value */
            value: number;
        };
        /** MetricsView */
        MetricsView: {
            /**
             * Run Id
             * Format: uuid
             */
            run_id: string;
            /**
             * Series
             * @description Each metric's values ordered by step
             */
            series: {
                [key: string]: components["schemas"]["MetricPoint"][];
            };
        };
        /**
         * MetricThreshold
         * @description The candidate's metric lies within `min` and/or `max` (inclusive; at least one is given).
         */
        MetricThreshold: {
            /** Max */
            max?: number | null;
            /**
             * Metric
             * @description A metric of the version's metadata: `run.metrics.NAME` (what runs record), else `metrics.NAME`, else `NAME`
             * @example accuracy
             */
            metric: string;
            /** Min */
            min?: number | null;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            rule: "metric_threshold";
        };
        /** MissingChunks */
        MissingChunks: {
            /**
             * Missing
             * @description The digests the store lacks, in request order
             */
            missing: string[];
        };
        /** PinnedVersionView */
        PinnedVersionView: {
            /** Digest */
            digest: string;
            /**
             * Ref
             * @description `NAME:vN`
             */
            ref: string;
        };
        /** PlatformStatus */
        PlatformStatus: {
            /**
             * Figures Source
             * @description Where the figures come from: `metrics` (each service's /metrics) or `prometheus`
             */
            figures_source?: string | null;
            /** Services */
            services: components["schemas"]["ServiceStatus"][];
            /**
             * Status
             * @description 'ok' when every service is ready
             * @enum {string}
             */
            status: "ok" | "degraded";
        };
        /**
         * Problem
         * @description RFC 9457 problem details, as every error of a KAML-D service is reported.
         */
        Problem: {
            /**
             * Code
             * @description Stable machine-readable error code, e.g. `artifact_not_found`
             */
            code: string;
            /**
             * Detail
             * @description What went wrong, in words naming the field, file or reference
             */
            detail: string;
            /**
             * Errors
             * @description Each invalid field (422 only)
             * @default null
             */
            errors?: components["schemas"]["ProblemFieldError"][] | null;
            /**
             * Instance
             * @description The request path
             * @default null
             */
            instance?: string | null;
            /** Status */
            status: number;
            /** Title */
            title: string;
            /**
             * Type
             * @description A URI naming the kind of problem; ends with `code`
             */
            type: string;
        } & {
            [key: string]: unknown;
        };
        /** ProblemFieldError */
        ProblemFieldError: {
            /**
             * Loc
             * @description Where the bad value is: `["body", "name"]`, `["path", "ref"]`
             */
            loc: (string | number)[];
            /** Msg */
            msg: string;
            /** Type */
            type: string;
        };
        /** PushedVersionView */
        PushedVersionView: {
            /** Aliases */
            aliases: string[];
            /** Artifact */
            artifact: string;
            /** Author */
            author: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Digest */
            digest: string;
            /** File Count */
            file_count: number;
            /** Inputs */
            inputs: components["schemas"]["InputLink"][];
            /**
             * Kind
             * @enum {string}
             */
            kind: "dataset" | "model" | "code";
            /** Message */
            message: string;
            /** Metadata */
            metadata: {
                [key: string]: unknown;
            };
            /** Name */
            name: string;
            /** Number */
            number: number;
            /** Parents */
            parents: components["schemas"]["VersionLink"][];
            /** Ref */
            ref: string;
            /** Total Bytes */
            total_bytes: number;
            /**
             * Unchanged
             * @description True when nothing was recorded: the newest version (this one) already holds the content
             * @default false
             */
            unchanged?: boolean;
        };
        /** QueriedVersion */
        QueriedVersion: {
            /** Digest */
            digest: string;
            /** File Count */
            file_count: number;
            /**
             * Files
             * @description The files read (the first 100)
             */
            files: string[];
            /**
             * Format
             * @description csv, tsv, parquet or json (JSON Lines)
             */
            format: string;
            /**
             * Reference
             * @description The table reference as the query wrote it
             */
            reference: string;
            /**
             * Version
             * @description The exact version it resolved to, `NAME:vN`
             */
            version: string;
        };
        /** QueryAnswer */
        QueryAnswer: {
            /** Columns */
            columns: components["schemas"]["QueryColumn"][];
            /**
             * Engine
             * @description The engine that ran the query (`duckdb` or `trino`)
             */
            engine: string;
            /**
             * Items
             * @description The rows of this page, one object per row
             */
            items: {
                [key: string]: unknown;
            }[];
            /**
             * Next
             * @description Pass as `after` (with the same SQL) for the following page
             */
            next: string | null;
            /** Versions */
            versions: components["schemas"]["QueriedVersion"][];
        };
        /** QueryColumn */
        QueryColumn: {
            /** Name */
            name: string;
            /**
             * Type
             * @description The Arrow type
             */
            type: string;
        };
        /** QueryRequest */
        QueryRequest: {
            /**
             * After
             * @description Cursor: the `next` of the previous page, sent with the same SQL
             */
            after?: string | null;
            /**
             * @description `json`: a page of rows; `arrow` (Arrow IPC stream), `csv`, `parquet`: every row, up to the row limit, with the versions read in the `X-Kamld-Query-Versions` header
             * @default json
             */
            format?: components["schemas"]["ResultFormat"];
            /**
             * Limit
             * @description Rows per page (`json` only)
             * @default 100
             */
            limit?: number;
            /**
             * Sql
             * @description One read-only SELECT; tables are version references in quotes, `'NAME:REF/PATH'` (PATH may be a glob: `'faces:v3/parts/*.parquet'`)
             */
            sql: string;
        };
        /** RecallView */
        RecallView: {
            /**
             * Aliases
             * @description Every alias that points at one of those versions now
             */
            aliases: components["schemas"]["AliasHit"][];
            /**
             * Complete
             * @description False while versions wait to be indexed (the answer may miss them)
             */
            complete: boolean;
            /**
             * Contains
             * @description Every version of every artifact that holds it
             */
            contains: components["schemas"]["ContainingVersion"][];
            /**
             * Digest
             * @description The file content's digest (`blake3:…`)
             */
            digest: string;
            /**
             * Downstream
             * @description Every version of another artifact made from those (splits, models), transitively
             */
            downstream: components["schemas"]["DownstreamVersion"][];
            /**
             * Size
             * @description Its size in bytes; null when no indexed version holds it
             */
            size: number | null;
            /**
             * Truncated
             * @description True when more versions were found than one answer lists
             */
            truncated: boolean;
        };
        /** ReindexView */
        ReindexView: {
            /** Engine */
            engine: string;
            /**
             * Queued
             * @description A rebuild was queued; indexing workers carry it out
             */
            queued: boolean;
        };
        /**
         * RequiresMetadata
         * @description The candidate's metadata has `key` (a dotted path), equal to `value` when one is given.
         */
        RequiresMetadata: {
            /**
             * Key
             * @example review.approved
             */
            key: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            rule: "requires_metadata";
            /**
             * Value
             * @description The value required (default: any)
             */
            value?: string | number | boolean | null;
        };
        /** Resources */
        Resources: {
            /**
             * Cpu
             * @description CPU cores (a request on Kubernetes)
             * @default 1
             */
            cpu?: number;
            /**
             * Gpus
             * @description GPUs (Kubernetes executor)
             * @default 0
             */
            gpus?: number;
            /**
             * Memory Mb
             * @description Memory limit in MiB
             */
            memory_mb?: number | null;
            /**
             * Timeout S
             * @description The run fails after this
             */
            timeout_s?: number | null;
        };
        /**
         * ResultFormat
         * @enum {string}
         */
        ResultFormat: "json" | "arrow" | "csv" | "parquet";
        /** Retyped */
        Retyped: {
            /** Name */
            name: string;
            /** New */
            new: string;
            /** Old */
            old: string;
        };
        /**
         * Role
         * @description What a token may do; each role includes the ones before it.
         * @enum {string}
         */
        Role: "viewer" | "editor" | "admin";
        /** RowChange */
        RowChange: {
            /**
             * Change
             * @enum {string}
             */
            change: "added" | "removed" | "changed";
            /**
             * Columns
             * @description For changed rows: the columns whose values differ
             */
            columns: string[];
            /**
             * Key
             * @description The key column's value (with `key`)
             */
            key?: unknown;
            /**
             * New
             * @description The row in the newer version (common columns)
             */
            new: {
                [key: string]: unknown;
            } | null;
            /**
             * Old
             * @description The row in the older version (common columns)
             */
            old: {
                [key: string]: unknown;
            } | null;
        };
        /** RowCounts */
        RowCounts: {
            /** Added */
            added: number;
            /** Changed */
            changed: number;
            /** Removed */
            removed: number;
        };
        /** RowDiffView */
        RowDiffView: {
            counts: components["schemas"]["RowCounts"];
            /** From */
            from: string;
            /** Items */
            items: components["schemas"]["RowChange"][];
            /**
             * Key
             * @description Rows matched by this column; without it, whole rows are compared
             */
            key: string | null;
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
            /** Path */
            path: string;
            schema: components["schemas"]["SchemaChanges"];
            /** To */
            to: string;
        };
        /**
         * RunCreate
         * @description What to train: a built-in recipe, or a version of a `code` artifact and its entrypoint.
         */
        RunCreate: {
            /**
             * Code
             * @description `NAME[:REF]` of a `code` artifact
             * @example trainer-code:v2
             */
            code?: string | null;
            /**
             * Entrypoint
             * @description Program and arguments run in the code (no shell)
             */
            entrypoint?: string[] | null;
            /**
             * Executor
             * @description `external`: a run tracked by hand through the SDK
             * @default local
             * @enum {string}
             */
            executor?: "local" | "kubernetes" | "external";
            /**
             * Inputs
             * @description `NAME[:REF][=ROLE]`, each resolved to an exact version now; ROLE defaults to `input`
             * @example [
             *       "faces:v2=train"
             *     ]
             */
            inputs?: string[];
            /**
             * Name
             * @description Human name of the run
             */
            name?: string | null;
            /**
             * Output
             * @description The model artifact the run produces (for `external`, it may come with the push)
             */
            output?: string | null;
            /**
             * Params
             * @description Parameters (typed by the recipe)
             */
            params?: {
                [key: string]: unknown;
            };
            /**
             * Recipe
             * @description A built-in recipe
             * @example sklearn-tabular
             */
            recipe?: string | null;
            resources?: components["schemas"]["Resources"];
        };
        /** RunInputView */
        RunInputView: {
            /** Digest */
            digest: string;
            /**
             * Ref
             * @description `NAME:vN`
             */
            ref: string;
            /** Role */
            role: string;
        };
        /**
         * RunStatus
         * @enum {string}
         */
        RunStatus: "queued" | "running" | "succeeded" | "failed" | "cancelled";
        /** RunView */
        RunView: {
            /**
             * Bytes Downloaded
             * @description Input bytes downloaded for this run (0: all were cached)
             */
            bytes_downloaded: number;
            code: components["schemas"]["PinnedVersionView"] | null;
            /** Command Started At */
            command_started_at: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Creator */
            creator: string;
            /** Entrypoint */
            entrypoint: string[] | null;
            /**
             * Error
             * @description Why the run failed or was cancelled, with its log's tail
             */
            error: string | null;
            /**
             * Executor
             * @enum {string}
             */
            executor: "local" | "kubernetes" | "external";
            /** Exit Code */
            exit_code: number | null;
            /** Finished At */
            finished_at: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Inputs */
            inputs: components["schemas"]["RunInputView"][];
            /** Logged Params */
            logged_params: {
                [key: string]: unknown;
            };
            /**
             * Metrics
             * @description The last value of each metric
             */
            metrics: {
                [key: string]: number;
            };
            /** Name */
            name: string;
            /** Output */
            output: string | null;
            /**
             * Output Version
             * @description `NAME:vN` the run registered, once it succeeded
             */
            output_version: string | null;
            /** Params */
            params: {
                [key: string]: unknown;
            };
            /** Recipe */
            recipe: string | null;
            resources: components["schemas"]["Resources"];
            /** Retry Of */
            retry_of: string | null;
            /** Started At */
            started_at: string | null;
            status: components["schemas"]["RunStatus"];
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /** RunViewPage */
        RunViewPage: {
            /** Items */
            items: components["schemas"]["RunView"][];
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
        };
        /** SchemaChanges */
        SchemaChanges: {
            /** Added */
            added: components["schemas"]["ColumnType"][];
            /** Removed */
            removed: components["schemas"]["ColumnType"][];
            /** Retyped */
            retyped: components["schemas"]["Retyped"][];
        };
        /** SearchFacets */
        SearchFacets: {
            /**
             * Kind
             * @description Matches by artifact kind
             */
            kind: {
                [key: string]: number;
            };
            /**
             * Label
             * @description Matches by artifact label, most frequent first
             */
            label: components["schemas"]["LabelFacet"][];
        };
        /** SearchHitView */
        SearchHitView: {
            /** Artifact */
            artifact: string;
            /** Highlights */
            highlights: components["schemas"]["HighlightView"][];
            /** Kind */
            kind: string;
            /** Path */
            path?: string | null;
            /**
             * Ref
             * @description What `kamld show` / `kamld cat` take: `name`, `name:v3` or `name:v3/path`
             */
            ref: string;
            /**
             * Score
             * @description Relevance as the engine ranks it (higher is better; engine-specific scale)
             */
            score: number;
            /** Title */
            title: string;
            /**
             * Type
             * @enum {string}
             */
            type: "artifact" | "version" | "file" | "column";
            /**
             * Version
             * @description The version number, for versions, files and columns
             */
            version?: number | null;
        };
        /** SearchPage */
        SearchPage: {
            /**
             * Engine
             * @description The engine that answered: sqlite, postgresql or elasticsearch
             */
            engine: string;
            facets: components["schemas"]["SearchFacets"];
            /** Items */
            items: components["schemas"]["SearchHitView"][];
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
            /**
             * Total
             * @description How many documents match
             */
            total: number;
        };
        /**
         * ServiceState
         * @description ``ok``: ready; ``not_ready``: alive but a dependency is down; ``down``: no answer.
         * @enum {string}
         */
        ServiceState: "ok" | "not_ready" | "down";
        /** ServiceStatus */
        ServiceStatus: {
            /**
             * Checks
             * @description Each dependency: 'ok' or 'down: <why>'
             */
            checks?: {
                [key: string]: string;
            };
            /**
             * Detail
             * @description Why it is not ok
             */
            detail?: string | null;
            /**
             * Figures
             * @description Key figures from its metrics: request rate, latency, error ratio and the service's own (see docs/observability.md); null where there is no data yet
             */
            figures?: {
                [key: string]: number | null;
            };
            /**
             * Name
             * @description The service, e.g. metadata-hub
             */
            name: string;
            status: components["schemas"]["ServiceState"];
            /**
             * Url
             * @description Where the gateway reaches it
             */
            url: string;
            /**
             * Version
             * @description The version it reports; unknown when it does not answer
             */
            version?: string | null;
        };
        /**
         * SessionView
         * @description A browser session: who it is, until when, and the CSRF token its mutations must send.
         */
        SessionView: {
            /**
             * Csrf Token
             * @description Send it in `X-CSRF-Token` with every POST, PUT, PATCH and DELETE
             */
            csrf_token: string;
            /**
             * Expires At
             * Format: date-time
             */
            expires_at: string;
            /** Name */
            name: string;
            role: components["schemas"]["Role"];
        };
        /**
         * SignatureMatchesInputs
         * @description The candidate's ONNX signature (`metadata.model.signature`) takes the columns of the profiled
         *     tables of the versions it was trained on: inputs named like columns must be exactly the columns;
         *     one tensor input of shape [batch, N] must have N equal to the number of (numeric) columns.
         */
        SignatureMatchesInputs: {
            /**
             * Ignore Columns
             * @description Columns of the data that are no model input (the run's `target` param is always one)
             */
            ignore_columns?: string[];
            /**
             * Role
             * @description Only inputs in this role (default: every input but the code)
             */
            role?: string | null;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            rule: "signature_matches_inputs";
        };
        /**
         * SignInMethods
         * @description The ways of signing in a platform offers (API tokens always).
         */
        SignInMethods: {
            /**
             * Directory
             * @description Signing in with a directory (LDAP) user name and password
             */
            directory: boolean;
            /**
             * Oidc Issuer
             * @description The OpenID Connect issuer whose bearer JWTs the API accepts, if any
             */
            oidc_issuer?: string | null;
            /**
             * Token
             * @description Signing in with an API token
             * @default true
             */
            token?: boolean;
        };
        /** TableSplitAnswer */
        TableSplitAnswer: {
            /**
             * Digest
             * @description That version's manifest digest
             */
            digest: string;
            /** Parts */
            parts: components["schemas"]["TableSplitPart"][];
            /** Path */
            path: string;
            /**
             * Version
             * @description The exact version the table was read from, `NAME:vN`
             */
            version: string;
        };
        /** TableSplitPart */
        TableSplitPart: {
            /** Digest */
            digest: string;
            /**
             * Part
             * @description train, test or val
             */
            part: string;
            /**
             * Path
             * @description The part's file in the upload session, `PART/PATH`
             */
            path: string;
            /** Rows */
            rows: number;
            /** Size */
            size: number;
        };
        /** TableSplitRequest */
        TableSplitRequest: {
            /**
             * Seed
             * @description The same seed gives the same parts
             * @default 0
             */
            seed?: number;
            /**
             * Stratify
             * @description A column: each of its values is split alike
             */
            stratify?: string | null;
            /**
             * Table
             * @description One table file of a version, `NAME:REF/PATH` (checked when the split runs)
             */
            table: string;
            /**
             * Test
             * @description Fraction of the rows for `test/`
             */
            test: number;
            /**
             * Val
             * @description Fraction of the rows for `val/` (0: no `val/`)
             * @default 0
             */
            val?: number;
        };
        /** TableSummary */
        TableSummary: {
            /** Columns */
            columns: number;
            /**
             * Format
             * @description csv, tsv, parquet or jsonl
             */
            format: string;
            /** Path */
            path: string;
            /** Reason */
            reason?: string | null;
            /**
             * Rows
             * @description Rows profiled (all of them unless sampled)
             */
            rows: number | null;
            /**
             * Status
             * @description sampled: over the size limit, profiled on its first rows; unreadable: see `reason`
             * @enum {string}
             */
            status: "ok" | "sampled" | "unreadable";
        };
        /** TokenCreate */
        TokenCreate: {
            /**
             * Name
             * @description Unique name; it identifies the caller in logs
             */
            name: string;
            role: components["schemas"]["Role"];
            /**
             * S3
             * @description Also issue an S3 access key for the S3-compatible endpoint
             * @default false
             */
            s3?: boolean;
        };
        /** TokenCreated */
        TokenCreated: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Created By */
            created_by?: string | null;
            /**
             * Hint
             * @description The first characters of the secret, to recognise it
             */
            hint: string;
            /** Last Used At */
            last_used_at?: string | null;
            /** Name */
            name: string;
            role: components["schemas"]["Role"];
            /**
             * S3 Access Key Id
             * @description The token's S3 access key id, if it has one
             */
            s3_access_key_id?: string | null;
            /**
             * S3 Secret Access Key
             * @description The S3 secret key (with `s3`); shown only in this answer, store it now
             */
            s3_secret_access_key?: string | null;
            /**
             * Token
             * @description The secret; shown only in this answer, store it now
             */
            token: string;
        };
        /** TokenInfo */
        TokenInfo: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Created By */
            created_by?: string | null;
            /**
             * Hint
             * @description The first characters of the secret, to recognise it
             */
            hint: string;
            /** Last Used At */
            last_used_at?: string | null;
            /** Name */
            name: string;
            role: components["schemas"]["Role"];
            /**
             * S3 Access Key Id
             * @description The token's S3 access key id, if it has one
             */
            s3_access_key_id?: string | null;
        };
        /**
         * TokenSignIn
         * @description Sign in with an API token.
         */
        TokenSignIn: {
            /**
             * Token
             * @description The API token to sign in with
             */
            token: string;
        };
        /** TrackIn */
        TrackIn: {
            /** Metrics */
            metrics?: components["schemas"]["MetricIn"][];
            /** Params */
            params?: {
                [key: string]: unknown;
            };
        };
        /** TransferGrant */
        TransferGrant: {
            /**
             * Expires At
             * Format: date-time
             */
            expires_at: string;
            /**
             * Header
             * @description The request header that carries the token
             */
            header: string;
            /**
             * Token
             * @description The grant, a bearer capability until it expires
             */
            token: string;
            /**
             * Url
             * @description storage-gateway's base URL: send the chunk requests there
             */
            url: string;
        };
        /** UploadOpened */
        UploadOpened: {
            /**
             * Expires At
             * Format: date-time
             */
            expires_at: string;
            /**
             * Id
             * @description Upload session id, used in every later call
             */
            id: string;
        };
        /** VerifyReport */
        VerifyReport: {
            /** Items */
            items: components["schemas"]["VersionCheck"][];
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
            /**
             * Total
             * @description Versions the whole check covers (all pages)
             */
            total: number;
        };
        /** VersionCheck */
        VersionCheck: {
            /** Artifact */
            artifact: string;
            /**
             * Chunks
             * @description Distinct chunks those files name
             */
            chunks: number;
            /**
             * Damaged File Count
             * @description Files with at least one missing chunk
             */
            damaged_file_count: number;
            /**
             * Damaged Files
             * @description Paths of those files, in path order (at most 1000)
             */
            damaged_files: string[];
            /**
             * Digest
             * @description The version's manifest digest
             */
            digest: string;
            /**
             * Files
             * @description Files the version's manifest lists (as far as it could be read)
             */
            files: number;
            /**
             * Missing Chunks
             * @description Of those, chunks absent from the object store
             */
            missing_chunks: number;
            /**
             * Missing Manifest Objects
             * @description Manifest objects (root or pages) absent or unreadable; their files are not listed
             */
            missing_manifest_objects: number;
            /** Number */
            number: number;
            /**
             * Ok
             * @description Every manifest object and chunk the version needs is stored
             */
            ok: boolean;
            /**
             * Ref
             * @description `<artifact>:v<number>`
             */
            ref: string;
        };
        /**
         * VersionCreate
         * @description A new version from a committed upload: the manifest digest names its content.
         */
        VersionCreate: {
            /**
             * Allow Empty
             * @description Record a new version even when `digest` equals the newest version's; otherwise such a push records nothing and answers 200 with that version and `unchanged: true`
             * @default false
             */
            allow_empty?: boolean;
            /**
             * Description
             * @description The artifact's description, set with this version (replaces an existing one)
             */
            description?: string | null;
            /**
             * Digest
             * @description Digest of the committed manifest
             */
            digest: string;
            /**
             * Expected Parent
             * @description Refuse (409) unless this ref is the artifact's newest version
             */
            expected_parent?: string | null;
            /** Inputs */
            inputs?: components["schemas"]["InputSpec"][];
            /**
             * Kind
             * @description Creates the artifact on first push when given
             */
            kind?: ("dataset" | "model" | "code") | null;
            /**
             * Labels
             * @description Labels set on the artifact with this version (merged into an existing artifact's labels); the push is refused, recording nothing, if they cannot be applied
             */
            labels?: {
                [key: string]: string;
            } | null;
            /**
             * Message
             * @default
             */
            message?: string;
            /**
             * Metadata
             * @description Free JSON of this version (metrics, parameters): at most 256 KiB and 32 levels deep
             */
            metadata?: {
                [key: string]: unknown;
            };
            /**
             * Parents
             * @description Default: the artifact's latest version
             */
            parents?: string[] | null;
        };
        /** VersionLink */
        VersionLink: {
            /** Artifact */
            artifact: string;
            /** Digest */
            digest: string;
            /**
             * Name
             * @description `v<number>`
             */
            name: string;
            /** Number */
            number: number;
            /**
             * Ref
             * @description `<artifact>:v<number>`
             */
            ref: string;
        };
        /** VersionProfileView */
        VersionProfileView: {
            /**
             * Images
             * @description Images: count, count by format, width and height spread (from headers), or null
             */
            images: {
                [key: string]: unknown;
            } | null;
            /** Ref */
            ref: string;
            /**
             * Status
             * @description pending: the version is still being profiled
             * @enum {string}
             */
            status: "pending" | "done";
            /**
             * Tables
             * @description Every profiled table of the version, in path order
             */
            tables: components["schemas"]["TableSummary"][];
        };
        /** VersionView */
        VersionView: {
            /** Aliases */
            aliases: string[];
            /** Artifact */
            artifact: string;
            /** Author */
            author: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Digest */
            digest: string;
            /** File Count */
            file_count: number;
            /** Inputs */
            inputs: components["schemas"]["InputLink"][];
            /**
             * Kind
             * @enum {string}
             */
            kind: "dataset" | "model" | "code";
            /** Message */
            message: string;
            /** Metadata */
            metadata: {
                [key: string]: unknown;
            };
            /** Name */
            name: string;
            /** Number */
            number: number;
            /** Parents */
            parents: components["schemas"]["VersionLink"][];
            /** Ref */
            ref: string;
            /** Total Bytes */
            total_bytes: number;
        };
        /** VersionViewPage */
        VersionViewPage: {
            /** Items */
            items: components["schemas"]["VersionView"][];
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
        };
        /** Webhook */
        Webhook: {
            /** Artifacts */
            artifacts: string[];
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Created By */
            created_by: string;
            /** Id */
            id: number;
            /**
             * Position
             * @description Feed id of the last event handled (delivered or dead-lettered)
             */
            position: number;
            /** Types */
            types: string[];
            /** Url */
            url: string;
        };
        /**
         * WebhookCreate
         * @description Subscribe ``url`` to events of ``types`` about ``artifacts`` (an empty list: all).
         */
        WebhookCreate: {
            /**
             * Artifacts
             * @description Artifact names; empty: all
             */
            artifacts?: string[];
            /**
             * Types
             * @description Event types; empty: all
             */
            types?: ("alias.removed" | "alias.set" | "artifact.archived" | "artifact.created" | "artifact.edited" | "artifact.unarchived" | "gc.completed" | "run.cancelled" | "run.created" | "run.failed" | "run.retried" | "run.started" | "run.succeeded" | "token.created" | "token.revoked" | "version.committed" | "version.read")[];
            /**
             * Url
             * @description http(s) URL the events are POSTed to
             * @example https://ci.example.com/hook
             */
            url: string;
        };
        /** WebhookCreated */
        WebhookCreated: {
            /** Artifacts */
            artifacts: string[];
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Created By */
            created_by: string;
            /** Id */
            id: number;
            /**
             * Position
             * @description Feed id of the last event handled (delivered or dead-lettered)
             */
            position: number;
            /**
             * Secret
             * @description The signing secret (HMAC-SHA256); shown only in this answer
             */
            secret: string;
            /** Types */
            types: string[];
            /** Url */
            url: string;
        };
        /** WebhookDelivery */
        WebhookDelivery: {
            /** Attempts */
            attempts: number;
            /** Error */
            error: string | null;
            /**
             * Event Id
             * @description The event's feed id
             */
            event_id: number;
            /** Event Type */
            event_type: string;
            /** Id */
            id: number;
            /** Next Attempt At */
            next_attempt_at: string | null;
            /** Response Status */
            response_status: number | null;
            /**
             * Status
             * @enum {string}
             */
            status: "pending" | "delivered" | "dead";
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /** Webhook Id */
            webhook_id: number;
        };
        /** WebhookDeliveryPage */
        WebhookDeliveryPage: {
            /** Items */
            items: components["schemas"]["WebhookDelivery"][];
            /**
             * Next
             * @description Pass as `after` to get the following page; null on the last page
             */
            next: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listArtifacts: {
        parameters: {
            query?: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                include_archived?: boolean;
                kind?: ("dataset" | "model" | "code") | null;
                /** @description `KEY=VALUE` or `KEY`; repeat to require several */
                label?: string[];
                /** @description Page size, 1 to 1000 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtifactViewPage"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createArtifact: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ArtifactCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtifactView"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getArtifact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtifactView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateArtifact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ArtifactUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtifactView"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAliases: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasView"][];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setAlias: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Alias name, e.g. `production` (not `latest`, which every push moves) */
                alias: string;
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AliasSet"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasView"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Below the editor role, or `override_reason` sent without the admin role */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `alias_mismatch` (compare-and-set lost), `artifact_archived`, or `promotion_refused`: the alias's policy refuses the version; `reasons` lists every failing rule as `{rule, message}` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteAlias: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Alias name, e.g. `production` (not `latest`, which every push moves) */
                alias: string;
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAliasHistory: {
        parameters: {
            query?: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                /** @description Page size, 1 to 1000 */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description Alias name, e.g. `production` */
                alias: string;
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasEventViewPage"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAliasPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Alias name, e.g. `production` */
                alias: string;
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasPolicyView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setAliasPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Alias name, e.g. `production` (not `latest`, which every push moves) */
                alias: string;
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AliasPolicySet"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasPolicyView"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteAliasPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Alias name, e.g. `production` (not `latest`, which every push moves) */
                alias: string;
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    archiveArtifact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtifactView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    diffVersions: {
        parameters: {
            query: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                /** @description The older ref */
                from: string;
                /** @description Page size, 1 to 1000 */
                limit?: number;
                /** @description The newer ref */
                to: string;
            };
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DiffView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    diffTableRows: {
        parameters: {
            query: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                /** @description The older ref */
                from: string;
                /** @description Match rows by this column */
                key?: string | null;
                /** @description Changed rows per page, 1 to 1000 */
                limit?: number;
                /** @description The table (CSV, TSV, Parquet, JSONL) */
                path: string;
                /** @description The newer ref */
                to: string;
            };
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RowDiffView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    unarchiveArtifact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtifactView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listVersions: {
        parameters: {
            query?: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                /** @description Page size, 1 to 1000 */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionViewPage"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VersionCreate"];
            };
        };
        responses: {
            /** @description Nothing recorded: the newest version already holds this content (`unchanged`) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PushedVersionView"];
                };
            };
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PushedVersionView"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `parent_mismatch`, `artifact_archived` or `kind_mismatch` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getVersion: {
        parameters: {
            query?: never;
            header?: {
                /** @description `no-cache` resolves exactly now; otherwise the answer may be up to `KAMLD_WORKBENCH_API_RESOLUTION_CACHE_TTL_S` old (its `Age` header says how old) */
                "cache-control"?: string | null;
            };
            path: {
                /** @description Artifact name */
                name: string;
                /** @description `v3`, `3`, an alias, or a digest prefix (8+ hex) */
                ref: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listFiles: {
        parameters: {
            query?: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                /** @description Page size, 1 to 1000 */
                limit?: number;
                /** @description Only paths starting with this */
                prefix?: string;
            };
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
                /** @description `v3`, `3`, an alias, or a digest prefix (8+ hex) */
                ref: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FileViewPage"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    downloadFile: {
        parameters: {
            query?: never;
            header?: {
                "If-None-Match"?: string | null;
                "If-Range"?: string | null;
                Range?: string | null;
            };
            path: {
                /** @description Artifact name */
                name: string;
                /** @description Path of the file in the version */
                path: string;
                /** @description `v3`, `3`, an alias, or a digest prefix (8+ hex) */
                ref: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file's bytes */
            200: {
                headers: {
                    /** @description `inline` (`attachment` for HTML, SVG, XML, scripts) with the name */
                    "Content-Disposition"?: unknown;
                    /** @description Bytes of the file, or of the range */
                    "Content-Length"?: unknown;
                    /** @description By the file name's extension; `application/octet-stream` if unknown */
                    "Content-Type"?: unknown;
                    /** @description The file's digest */
                    ETag?: unknown;
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": unknown;
                };
            };
            /** @description The requested range */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": unknown;
                };
            };
            /** @description Not modified (If-None-Match matched the ETag) */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Range not satisfiable */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    headFile: {
        parameters: {
            query?: never;
            header?: {
                "If-None-Match"?: string | null;
                "If-Range"?: string | null;
                Range?: string | null;
            };
            path: {
                /** @description Artifact name */
                name: string;
                /** @description Path of the file in the version */
                path: string;
                /** @description `v3`, `3`, an alias, or a digest prefix (8+ hex) */
                ref: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The headers a download would answer, without the bytes */
            200: {
                headers: {
                    /** @description `inline` (`attachment` for HTML, SVG, XML, scripts) with the name */
                    "Content-Disposition"?: unknown;
                    /** @description Bytes of the file, or of the range */
                    "Content-Length"?: unknown;
                    /** @description By the file name's extension; `application/octet-stream` if unknown */
                    "Content-Type"?: unknown;
                    /** @description The file's digest */
                    ETag?: unknown;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The headers of the requested range */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not modified (If-None-Match matched the ETag) */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Range not satisfiable */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getLineage: {
        parameters: {
            query?: {
                depth?: number;
                direction?: "up" | "down" | "both";
            };
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
                /** @description `v3`, `3`, an alias, or a digest prefix (8+ hex) */
                ref: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LineageGraph"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProfile: {
        parameters: {
            query?: {
                /** @description One table's full profile */
                path?: string | null;
            };
            header?: never;
            path: {
                /** @description Artifact name */
                name: string;
                /** @description `v3`, `3`, an alias, or a digest prefix (8+ hex) */
                ref: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionProfileView"] | components["schemas"]["FileProfileView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getChunk: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `blake3:<64 hex>` */
                digest: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The chunk */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": unknown;
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putChunk: {
        parameters: {
            query?: {
                /** @description Session that protects the chunk */
                upload_id?: string | null;
            };
            header?: never;
            path: {
                /** @description `blake3:<64 hex>` */
                digest: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChunksStored"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    readChunkDeltas: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChunkDeltaList"];
            };
        };
        responses: {
            /** @description Per chunk, in request order, a frame of the chunk framing named by its digest whose payload is u64 prefix length, u64 suffix length (big-endian) and the bytes between */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/vnd.kamld.chunk-deltas": string;
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Some chunks, wanted or base, are not stored (`missing` lists them) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    grantChunkReads: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferGrant"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each bad field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    readChunks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChunkReadList"];
            };
        };
        responses: {
            /** @description The chunks, framed as in uploads: `application/vnd.kamld.chunks`: zero or more records back to back, no header or trailer; each is `u8 n` (the digest's length, 71), `n` bytes of ASCII digest (`blake3:<64 hex>`), `u64` big-endian size `s`, then the chunk's `s` bytes. Each chunk is verified against its digest. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/vnd.kamld.chunks": string;
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Some chunks are not stored (`missing` lists them) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description Only events caused by this actor (token name) */
                actor?: string | null;
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                /** @description Only events of this artifact */
                artifact?: string | null;
                /** @description Page size, 1 to 500 */
                limit?: number;
                /** @description Only events that happened at or after this time */
                since?: string | null;
                /** @description Only events of this type */
                type?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                /** @description Only events caused by this actor (token name) */
                actor?: string | null;
                /** @description Only events of this artifact */
                artifact?: string | null;
                /** @description Only events that happened at or after this time */
                since?: string | null;
                /** @description Start after this event id (default: only new events) */
                start_after?: string | null;
                /** @description Only events of this type */
                type?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One SSE frame per event */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    collectGarbage: {
        parameters: {
            query?: {
                /** @description Only count what would be deleted */
                dry_run?: boolean;
                /** @description Override the grace period (seconds, at most a century) */
                grace_s?: number | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GcReport"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `gc_held`: a backup holds deletions off (dry runs still count) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getManifest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `blake3:<64 hex>` */
                digest: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ManifestSummary"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listManifestFiles: {
        parameters: {
            query?: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                /** @description Page size, 1 to 10000 */
                limit?: number;
                prefix?: string;
            };
            header?: never;
            path: {
                /** @description `blake3:<64 hex>` */
                digest: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ManifestFiles"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    downloadManifestFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `blake3:<64 hex>` */
                digest: string;
                /** @description Path of the file */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": unknown;
                };
            };
            /** @description The requested range */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    diffManifests: {
        parameters: {
            query?: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                /** @description Page size, 1 to 10000 */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description `blake3:<64 hex>` */
                new: string;
                /** @description `blake3:<64 hex>` */
                old: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ManifestDiff"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Caller"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each bad field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    runQuery: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["QueryRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueryAnswer"];
                    "application/vnd.apache.arrow.stream": string;
                    "application/vnd.apache.parquet": string;
                    "text/csv": string;
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    recallContent: {
        parameters: {
            query?: {
                /** @description The content's digest, `blake3:<64 hex>` */
                digest?: string | null;
                /** @description Or a file: `NAME[:REF]/PATH` (its content's digest is used) */
                ref?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecallView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `ref` names an artifact, version or file that does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRuns: {
        parameters: {
            query?: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                /** @description Only runs started by this token */
                creator?: string | null;
                /** @description Only runs reading `NAME` (any version) or `NAME:vN` */
                input?: string | null;
                /** @description Page size, 1 to 1000 */
                limit?: number;
                /** @description Only runs producing this artifact */
                output?: string | null;
                /** @description Only runs in this status */
                status?: components["schemas"]["RunStatus"] | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunViewPage"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createRun: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RunCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunView"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    finishRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FinishIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunView"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRunLogs: {
        parameters: {
            query?: {
                /** @description Keep streaming until the run ends */
                follow?: boolean;
                /** @description Start at this byte */
                offset?: number;
            };
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The log from `offset` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": unknown;
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRunMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MetricsView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    trackRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TrackIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunView"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    searchCatalog: {
        parameters: {
            query: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                kind?: ("dataset" | "model" | "code") | null;
                /** @description `KEY=VALUE` or `KEY`; repeat to require several */
                label?: string[];
                /** @description Page size, 1 to 100 */
                limit?: number;
                /** @description Words, "phrases", -excluded, a OR b, prefix* */
                q: string;
                /** @description Only these document types; repeat for several */
                type?: ("artifact" | "version" | "file" | "column")[];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchPage"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    reindexSearch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReindexView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each bad field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSearchStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IndexStatusView"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each bad field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TokenSignIn"] | components["schemas"]["DirectorySignIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionView"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each bad field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSignInMethods: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignInMethods"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each bad field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlatformStatus"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each bad field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenInfo"][];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each bad field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TokenCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenCreated"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    openUpload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadOpened"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each bad field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    uploadChunks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Upload session id */
                upload_id: string;
            };
            cookie?: never;
        };
        /** @description `application/vnd.kamld.chunks`: zero or more records back to back, no header or trailer; each is `u8 n` (the digest's length, 71), `n` bytes of ASCII digest (`blake3:<64 hex>`), `u64` big-endian size `s`, then the chunk's `s` bytes. Each chunk is verified against its digest. */
        requestBody?: {
            content: {
                "application/vnd.kamld.chunks": string;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChunksStored"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upload session expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    commitUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Upload session id */
                upload_id: string;
            };
            cookie?: never;
        };
        /** @description `application/x-ndjson`: one `ManifestFile` JSON object per line, sorted by path (byte order): `{"path": "a/b.csv", "size": 10, "mode": 420, "digest": "blake3:…", "chunks": [["blake3:…", 10]]}`. Files uploaded whole to this session, or staged by `split-table` and `split-files`, are merged in; a path in both is a duplicate (422). The body may be empty when every file was uploaded whole or staged. */
        requestBody?: {
            content: {
                "application/x-ndjson": string;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CommitResult"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upload session expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    uploadFile: {
        parameters: {
            query?: {
                /** @description 420 (0o644) or 493 (0o755) */
                mode?: 420 | 493;
            };
            header?: never;
            path: {
                /** @description Path of the file */
                path: string;
                /** @description Upload session id */
                upload_id: string;
            };
            cookie?: never;
        };
        /** @description The file's bytes; none for an empty file */
        requestBody?: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FileStored"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upload session expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    grantUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Upload session id */
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferGrant"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upload session expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    findMissingChunks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Upload session id */
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DigestList"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MissingChunks"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upload session expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    splitFiles: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Upload session id */
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FileSplitRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FileSplitAnswer"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upload session expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    splitTable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Upload session id */
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TableSplitRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TableSplitAnswer"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upload session expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    verifyVersions: {
        parameters: {
            query?: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                /** @description Only this artifact's versions */
                artifact?: string | null;
                /** @description Page size, 1 to 200 */
                limit?: number;
                /** @description Only this version of `artifact`: `v3`, `3`, an alias or a digest prefix */
                ref?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerifyReport"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown artifact or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"][];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each bad field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookCreated"];
                };
            };
            /** @description The request is malformed (e.g. a bad chunk frame) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body or one of its parts is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The webhook's id */
                webhook_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (a lost compare-and-set, a name taken) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description Cursor: the `next` of the previous page */
                after?: string | null;
                /** @description Page size, 1 to 500 */
                limit?: number;
                /** @description Only deliveries in this state */
                status?: ("pending" | "delivered" | "dead") | null;
            };
            header?: never;
            path: {
                /** @description The webhook's id */
                webhook_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPage"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found; `code` says what */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request's headers or body stopped arriving within the server's timeout */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests; `Retry-After` says when to retry */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are over the limit */
            431: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one answered with an error */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service behind this one is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
