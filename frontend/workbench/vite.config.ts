import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Built into workbench-api's package, which serves it at `/` (hashed assets under /assets/).
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../../services/workbench-api/src/kamld_workbench_api/web/dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8080", "/session": "http://127.0.0.1:8080" } },
  test: { environment: "jsdom" },
});
