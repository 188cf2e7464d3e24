import Database from "better-sqlite3";
const db = new Database("/tmp/reports17/bench2m.db", { readonly: true });
db.exec("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -131072; PRAGMA mmap_size = 2147483648");
const t = (label, sql) => { const c0 = process.cpuUsage(); const t0 = performance.now(); const r = db.prepare(sql).all(); const c = process.cpuUsage(c0); console.log(label, ((performance.now()-t0)/1000).toFixed(2), "s wall", ((c.user+c.system)/1e6).toFixed(2), "s cpu", JSON.stringify(r).slice(0,150)); };
for (const sql of process.argv.slice(2)) t(sql.slice(0, 60), sql);
