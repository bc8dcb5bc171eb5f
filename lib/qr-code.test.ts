import decodeQR from "qr/decode.js";
import { describe, expect, it } from "vitest";
import { QUIET_ZONE, qrModules, qrPath, qrSide } from "./qr-code";

// The shape of what the account page encodes (lib/auth/totp.ts), with a long e-mail: a made-up key.
const URI =
  "otpauth://totp/Sandbox%20Portal:someone.with.a.long.name%40customer-company.example?secret=URAEZHVMLNLUVKQWC3V76AT76XYC7SQC&issuer=Sandbox%20Portal";

/** The cells a path of `M x y h n v1 h-n z` rectangles paints, as "x,y"; throws on anything else. */
function paintedCells(path: string): Set<string> {
  const cells = new Set<string>();
  const rectangle = /M(\d+) (\d+)h(\d+)v1h-\3z/y;
  while (rectangle.lastIndex < path.length) {
    const match = rectangle.exec(path);
    if (!match) throw new Error(`not a one-row rectangle at ${rectangle.lastIndex}: ${path.slice(rectangle.lastIndex, rectangle.lastIndex + 30)}`);
    const [x, y, run] = match.slice(1).map(Number) as [number, number, number];
    for (let i = 0; i < run; i++) cells.add(`${x + i},${y}`);
  }
  return cells;
}

/** The drawing as a phone's camera would see it: `scale` pixels a module, black on white. */
function photographed(path: string, side: number, scale = 4) {
  const width = side * scale;
  const data = new Uint8Array(width * width * 4).fill(255);
  for (const cell of paintedCells(path)) {
    const [x, y] = cell.split(",").map(Number) as [number, number];
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) data.fill(0, ((y * scale + dy) * width + x * scale + dx) * 4, ((y * scale + dy) * width + x * scale + dx) * 4 + 3);
    }
  }
  return { width, height: width, data };
}

describe("QR codes drawn as SVG", () => {
  it("reads back, by a QR reader, as the link it was drawn from", () => {
    const modules = qrModules(URI);
    expect(decodeQR(photographed(qrPath(modules), qrSide(modules)))).toBe(URI);
  });

  it("paints exactly the dark modules, past a quiet zone of four", () => {
    const modules = qrModules(URI);
    const dark = new Set(modules.flatMap((row, y) => row.flatMap((on, x) => (on ? [`${x + QUIET_ZONE},${y + QUIET_ZONE}`] : []))));
    expect(dark.size).toBeGreaterThan(0);
    expect(paintedCells(qrPath(modules))).toEqual(dark);
  });

  it("leaves four light modules on every side of the code", () => {
    const modules = qrModules(URI);
    const side = qrSide(modules);
    expect(QUIET_ZONE).toBe(4);
    expect(side).toBe(modules.length + 8);
    const coordinates = [...paintedCells(qrPath(modules))].flatMap((cell) => cell.split(",").map(Number));
    expect(Math.min(...coordinates)).toBe(QUIET_ZONE);
    expect(Math.max(...coordinates)).toBe(side - QUIET_ZONE - 1);
  });

  it("is a bare code: no border of uqr's own, a finder pattern in the corner", () => {
    const modules = qrModules(URI);
    expect(modules.every((row) => row.length === modules.length)).toBe(true);
    expect((modules.length - 17) % 4).toBe(0);
    // The finder pattern's top edge: seven dark modules from the very first cell.
    expect(modules[0]!.slice(0, 8)).toEqual([true, true, true, true, true, true, true, false]);
  });

  it("uses error correction level M, not uqr's default L", () => {
    // 147 characters fit version 7 (45 modules) at level L; level M needs version 8 (49).
    expect(qrModules(URI)).toHaveLength(49);
  });

  it("gives the same value the same code, and another value another", () => {
    expect(qrModules(URI)).toEqual(qrModules(URI));
    expect(qrPath(qrModules(URI))).toBe(qrPath(qrModules(URI)));
    expect(qrModules(URI.replace("URAE", "URAF"))).not.toEqual(qrModules(URI));
  });
});
