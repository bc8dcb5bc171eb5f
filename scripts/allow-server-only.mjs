/**
 * For the CLIs that run the portal's server code outside Next.js (`npm run ops`): lets
 * `import "server-only"` through, as Next's server does. They used Node's react-server
 * condition for that, under which react-dom/server refuses to load: every e-mail a CLI's
 * run sent (a sandbox ready, a refresh failed) failed to render, and nobody heard of it.
 */
import { register } from "node:module";

const hook = `export async function resolve(specifier, context, next) {
  return specifier === "server-only" ? { url: "data:text/javascript,export {};", shortCircuit: true } : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
