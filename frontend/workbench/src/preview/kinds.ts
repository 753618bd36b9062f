/** Which preview a file gets, by its extension. */
export type PreviewKind = "image" | "table" | "parquet" | "markdown" | "json" | "text" | "none";

const IMAGES = new Set(["png", "jpg", "jpeg", "gif", "webp", "bmp", "avif"]);
const TEXT = new Set([
  "txt", "log", "py", "ts", "js", "yaml", "yml", "toml", "ini", "cfg", "sh", "sql", "r", "xml", "html", "jsonl", "ndjson",
]);

export function extension(path: string): string {
  const name = path.split("/").pop() ?? "";
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

export function previewKind(path: string): PreviewKind {
  const ext = extension(path);
  if (IMAGES.has(ext)) return "image";
  if (ext === "csv" || ext === "tsv") return "table";
  if (ext === "parquet") return "parquet";
  if (ext === "md" || ext === "markdown") return "markdown";
  if (ext === "json") return "json";
  if (TEXT.has(ext) || ext === "") return "text";
  return "none";
}

export function isImage(path: string): boolean {
  return previewKind(path) === "image";
}
