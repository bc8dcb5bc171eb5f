import pg from "pg";
import { readFileSync } from "node:fs";
import { readSourceSchema } from "../lib/sanitizer/schema-reader";
import { loadClassification } from "../lib/sanitizer/classification";
import { readProductionValues } from "../lib/sanitizer/pseudonyms/read-values";
import { productionValues } from "../lib/sanitizer/pseudonyms/values";
const urls = JSON.parse(readFileSync("/tmp/scratch/urls.json", "utf8"));
const a = new pg.Client({ connectionString: urls.prod }); const b = new pg.Client({ connectionString: urls.prod });
await a.connect(); await b.connect();
const schema = await readSourceSchema(a);
const cls = await loadClassification();
for (let i = 0; i < 2; i++) {
  let t = performance.now();
  const raw = await readProductionValues([a, b], schema.tables, cls);
  console.log("raw", (performance.now() - t).toFixed(0), Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, (v as Set<string>).size])));
  t = performance.now();
  const pv = productionValues(raw);
  console.log("productionValues", (performance.now() - t).toFixed(0), "nameTokens", pv.nameTokens.size);
  t = performance.now();
  const { PersonalData } = await import("../lib/sanitizer/pseudonyms/personal-data");
  console.log("import", (performance.now() - t).toFixed(0));
  t = performance.now();
  await PersonalData.build(pv, raw, "bench-pseudonym-secret", "sandbox.invalid");
  console.log("build", (performance.now() - t).toFixed(0));
}
await a.end(); await b.end();
