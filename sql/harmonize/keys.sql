-- The distinct printed units of one ingest part (city series per data year, provincial series once), each
-- with its first occurrence and its number of values (for the outside-units report): the resolver sees every
-- unit once, in the order a reader of the file meets it (an indicator without a level comes through with level
-- NULL, for the resolver to refuse).
SELECT l.level,
       s.name_raw, s.code_raw, s.province_raw,
       CASE WHEN l.level = 'city' THEN s.year END AS key_year,
       min(s.file_row_number) AS first_row,
       count(*) AS rows,
       arg_min(s.indicator, s.file_row_number) AS indicator,
       arg_min(s.year, s.file_row_number) AS year,
       arg_min(s.file, s.file_row_number) AS file,
       arg_min(s.sheet, s.file_row_number) AS sheet,
       arg_min(s.cell, s.file_row_number) AS cell
FROM read_parquet(${part}, file_row_number = true) s
LEFT JOIN ref_indicator_levels l USING (indicator)
GROUP BY ALL
ORDER BY first_row;
