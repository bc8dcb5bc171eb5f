/**
 * A QR code as SVG geometry, computed here (plain TypeScript, no React) so the secret it
 * carries never leaves the page for an image service and no markup string is injected.
 */
import { encode } from "uqr";

/** Light modules on every side: ISO/IEC 18004 asks for four; with fewer, phones misread the code on a dark or busy background. */
export const QUIET_ZONE = 4;

/**
 * The dark (`true`) and light modules of `value`, without a border. Level M (uqr's default is L)
 * still reads with 15 % of the code lost: a glare on the screen, a crease in a printout.
 */
export function qrModules(value: string): boolean[][] {
  return encode(value, { ecc: "M", border: 0 }).data;
}

/** Width and height, in modules, of the drawing: the code and its quiet zone. */
export const qrSide = (modules: boolean[][]) => modules.length + 2 * QUIET_ZONE;

/**
 * One SVG path of the dark modules, shifted past the quiet zone; a row's neighbouring dark
 * modules make one rectangle, which keeps the path a few kilobytes at most.
 */
export function qrPath(modules: boolean[][]): string {
  const parts: string[] = [];
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (row[x]) x++;
      const run = x - start;
      parts.push(`M${start + QUIET_ZONE} ${y + QUIET_ZONE}h${run}v1h-${run}z`);
    }
  });
  return parts.join("");
}
