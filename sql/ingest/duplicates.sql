-- One value per (source, indicator, scope, region code + name, year): the earliest second occurrence, with the
-- cell of its first occurrence. Groups first, on a hash of the key (one integer instead of six columns; a
-- collision only lets a few more rows into the exact check below), the ordered window only over those rows.
WITH dup_hashes AS (
  SELECT hash(source_id, indicator, coalesce(scope, ''), coalesce(code_raw, ''), name_raw, year) AS key_hash
  FROM staged
  GROUP BY ALL
  HAVING count(*) > 1
),
dup_keys AS (
  SELECT DISTINCT source_id, indicator, coalesce(scope, '') AS scope_key, coalesce(code_raw, '') AS code_key, name_raw, year
  FROM staged
  WHERE hash(source_id, indicator, coalesce(scope, ''), coalesce(code_raw, ''), name_raw, year) IN (SELECT key_hash FROM dup_hashes)
),
dup_rows AS (
  SELECT s.*,
         row_number() OVER w AS occurrence,
         first_value(s.file) OVER w AS first_file,
         first_value(s.sheet) OVER w AS first_sheet,
         first_value(s.cell) OVER w AS first_cell
  FROM staged s
  SEMI JOIN dup_keys d
    ON d.source_id = s.source_id AND d.indicator = s.indicator AND d.scope_key = coalesce(s.scope, '')
   AND d.code_key = coalesce(s.code_raw, '') AND d.name_raw = s.name_raw AND d.year = s.year
  WINDOW w AS (PARTITION BY s.source_id, s.indicator, coalesce(s.scope, ''), coalesce(s.code_raw, ''), s.name_raw, s.year ORDER BY s.ord)
)
SELECT file, sheet, cell, name_raw, code_raw, year, indicator, scope, first_file, first_sheet, first_cell
FROM dup_rows
WHERE occurrence = 2
ORDER BY ord
LIMIT 1;
