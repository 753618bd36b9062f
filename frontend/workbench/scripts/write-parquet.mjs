// Writes a small Parquet file for the browser tests: `node write-parquet.mjs OUT.parquet ROWS`.
import { writeFileSync } from "node:fs";
import { parquetWriteBuffer } from "hyparquet-writer";

const [out, rows = "50"] = process.argv.slice(2);
const n = Number(rows);
const ids = Array.from({ length: n }, (_, i) => i + 1);
const buffer = parquetWriteBuffer({
  columnData: [
    { name: "id", data: ids, type: "INT32" },
    { name: "person", data: ids.map((i) => `person${i % 7}`), type: "STRING" },
    { name: "score", data: ids.map((i) => i / 10), type: "DOUBLE" },
  ],
});
writeFileSync(out, Buffer.from(buffer));
