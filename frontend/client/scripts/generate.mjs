// Generates src/schema.ts (the types of the public API) from the committed OpenAPI document.
// `node scripts/generate.mjs` writes it; `node scripts/generate.mjs --check` fails when the
// committed file differs from what the document gives (run by the tests and by `make test`).
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
export const DOCUMENT = here("../../../docs/openapi/public-v1.json");
export const TARGET = here("../src/schema.ts");
const HEADER =
  "// Generated from docs/openapi/public-v1.json by `make openapi` (openapi-typescript); do not edit.\n\n";

export async function render() {
  const document = JSON.parse(await readFile(DOCUMENT, "utf8"));
  const ast = await openapiTS(document, { alphabetize: true, defaultNonNullable: false });
  return HEADER + astToString(ast);
}

async function main() {
  const text = await render();
  if (process.argv.includes("--check")) {
    const committed = await readFile(TARGET, "utf8").catch(() => "");
    if (committed !== text) {
      console.error("frontend/client/src/schema.ts is out of date with docs/openapi/public-v1.json: run `make openapi`");
      process.exit(1);
    }
    return;
  }
  await writeFile(TARGET, text);
  console.log(`wrote ${TARGET}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
