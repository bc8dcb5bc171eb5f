import pg from "pg";
import { readFileSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
const urls = JSON.parse(readFileSync("/tmp/scratch/urls.json", "utf8"));
const src = new pg.Client({ connectionString: urls.prod }); await src.connect();
const dst = new pg.Client({ connectionString: urls.admin.replace(/\/postgres$/, "/zz_fmt") }); await dst.connect();
await dst.query("SET synchronous_commit = off");
const pid = async (c: pg.Client) => (await c.query("select pg_backend_pid() p")).rows[0].p as number;
const [sp, dp] = [await pid(src), await pid(dst)];
const ticks = (p: number) => { const f = readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" "); return Number(f[11]) + Number(f[12]); };
const tables = ["contact", "appointment", "ticket_message", "sale", "company", "ticket"];
const res: Record<string, number[]> = {};
for (let round = 0; round < 3; round++) for (const fmt of ["", " (FORMAT binary)"]) {
  let wall = 0, s = 0, d = 0, w = 0;
  for (const t of tables) {
    await dst.query(`TRUNCATE ${t}`);
    const [s0, d0, w0, t0] = [ticks(sp), ticks(dp), process.cpuUsage(), performance.now()];
    await pipeline(src.query(copyTo(`COPY (SELECT * FROM ${t}) TO STDOUT${fmt}`)), dst.query(copyFrom(`COPY ${t} FROM STDIN${fmt}`)));
    wall += performance.now() - t0; s += ticks(sp) - s0; d += ticks(dp) - d0; const wu = process.cpuUsage(w0); w += (wu.user + wu.system) / 1000;
  }
  const k = fmt ? "binary" : "text";
  console.log(k.padEnd(7), "wall", Math.round(wall), "prod cpu", s * 10, "sandbox cpu", d * 10, "node cpu", Math.round(w));
}
await src.end(); await dst.end();
