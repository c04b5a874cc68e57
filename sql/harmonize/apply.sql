-- The values of one ingest part with the canonical city of their unit (harmonize_map, one row per unit of
-- harmonize_keys.sql), in the part's order; values of dropped units are left out.
SELECT s.* EXCLUDE (file_row_number), m.city_code, m.mapping
FROM read_parquet(${part}, file_row_number = true) s
JOIN ref_indicator_levels l USING (indicator)
JOIN harmonize_map m
  ON m.level = l.level
 AND m.name_raw = s.name_raw
 AND m.code_raw IS NOT DISTINCT FROM s.code_raw
 AND m.province_raw IS NOT DISTINCT FROM s.province_raw
 AND m.key_year IS NOT DISTINCT FROM (CASE WHEN l.level = 'city' THEN s.year END)
WHERE NOT m.dropped
ORDER BY s.file_row_number
