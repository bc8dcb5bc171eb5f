/**
 * File contents for document and ticket_attachment: a real file signature followed
 * by random bytes. Random because real PDFs, Office files and images are already
 * compressed; text-like filler would shrink under TOAST compression and make
 * databases (and copy benchmarks) look far smaller than production.
 */
import type { Random } from "./random";

export interface FileKind {
  ext: string;
  mime: string;
  weight: number;
  /** Magic bytes at the start of the file; null for plain text. */
  signature: Buffer | null;
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]);

const FILE_KINDS: readonly FileKind[] = [
  { ext: "pdf", mime: "application/pdf", weight: 40, signature: Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1") },
  { ext: "docx", mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", weight: 18, signature: ZIP },
  { ext: "xlsx", mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", weight: 12, signature: ZIP },
  { ext: "jpg", mime: "image/jpeg", weight: 12, signature: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]) },
  { ext: "png", mime: "image/png", weight: 8, signature: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { ext: "txt", mime: "text/plain", weight: 6, signature: null },
  { ext: "csv", mime: "text/csv", weight: 4, signature: null },
];

const WEIGHTED_KINDS = FILE_KINDS.map((k) => [k, k.weight] as const);

export function pickFileKind(r: Random): FileKind {
  return r.weighted(WEIGHTED_KINDS);
}

/** A size around `average`: mostly 0.2–1.8 × average, 1 % of files eight times larger. */
export function fileSize(r: Random, average: number): number {
  const factor = r.chance(0.01) ? 8 : 0.2 + 1.6 * r.next();
  return Math.max(64, Math.round(average * factor));
}

export function fileContent(kind: FileKind, size: number, r: Random, lines: readonly string[]): Buffer {
  if (kind.signature === null) return textContent(kind, size, r, lines);
  const buffer = Buffer.alloc(size);
  kind.signature.copy(buffer, 0);
  r.fill(buffer, Math.min(size, kind.signature.length));
  if (kind.ext === "pdf" && size > 64) buffer.write("\n%%EOF\n", size - 7, "latin1");
  return buffer;
}

function textContent(kind: FileKind, size: number, r: Random, lines: readonly string[]): Buffer {
  const parts: string[] = kind.ext === "csv" ? ["id;name;note"] : [];
  let length = 0;
  let row = 1;
  while (length < size) {
    const line = kind.ext === "csv" ? `${row++};${r.token(8)};${r.pick(lines)}` : r.pick(lines);
    parts.push(line);
    length += line.length + 1;
  }
  return Buffer.from(parts.join("\n"), "utf8").subarray(0, size);
}
