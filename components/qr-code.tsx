"use client";

import { useMemo } from "react";
import { qrModules, qrPath, qrSide } from "@/lib/qr-code";

/**
 * `value` as a QR code, drawn here as SVG (lib/qr-code.ts): black on white whatever the theme,
 * since scanners need the contrast, and crisp edges so scaling never blurs two modules into one.
 * `size` in CSS pixels: 176 keeps a long `otpauth://` link (about 57 modules) at 3 pixels a module.
 */
export function QrCode({ value, label, size = 176, testId, className }: { value: string; label: string; size?: number; testId?: string; className?: string }) {
  // Forms around it re-render on every keystroke once they show errors; the code only changes with `value`.
  const { side, path } = useMemo(() => {
    const modules = qrModules(value);
    return { side: qrSide(modules), path: qrPath(modules) };
  }, [value]);
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid={testId}
      width={size}
      height={size}
      viewBox={`0 0 ${side} ${side}`}
      shapeRendering="crispEdges"
      className={className}
    >
      <rect width={side} height={side} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
