import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create('/tmp/qx/warehouse.duckdb', { access_mode: 'READ_ONLY', enable_external_access: 'false', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
const con = await db.connect();
await con.run("SET disabled_filesystems='LocalFileSystem'");
await con.run("CREATE TEMP VIEW drops AS SELECT * FROM warehouse.main.quality_drops");
try { await con.run("COMMENT ON VIEW drops IS 'cities dropped'"); console.log('comment ok'); } catch (e) { console.log('comment ERR', (e as Error).message); }
await con.run("SET lock_configuration=true");
let r = await con.runAndReadAll("SELECT database_name, schema_name, view_name, comment FROM duckdb_views() WHERE NOT internal");
console.log(r.getRowsJS());
r = await con.runAndReadAll("SELECT * FROM runs LIMIT 2");
console.log(r.columnTypes().map(String), r.getRows()[0].map(String));
r = await con.runAndReadAll("SELECT 1::DECIMAL(10,2) d, [1,2] l, {'a': 1} s, now()::TIMESTAMP t, now() tz, DATE '2020-01-02' dd, 'x'::BLOB b, INTERVAL 3 DAY i, 2::HUGEINT h, 'a'::ENUM('a','b') e");
console.log(r.columnTypes().map(String), r.getRows()[0].map(String));
const res = await con.run("SELECT * FROM panel");
const out = await DuckDBInstance.create(':memory:');
const oc = await out.connect();
await oc.run(`CREATE TABLE t (${res.columnNames().map((n, i) => `"${n}" ${res.columnType(i).toString()}`).join(', ')})`);
const app = await oc.createAppender('t');
for (;;) { const chunk = await res.fetchChunk(); if (!chunk || chunk.rowCount === 0) break; app.appendDataChunk(chunk); }
app.closeSync();
console.log((await oc.runAndReadAll('SELECT count(*), sum(AI) FROM t')).getRowsJS(), (await con.runAndReadAll('SELECT count(*), sum(AI) FROM panel')).getRowsJS());
