-- Rows of a source outside the panel's years ($1 to $2): never used, counted per source and indicator, their years
-- written as runs ("1990–2010, 2023–2024"). A vendor panel from 1990 is fine; the report says what was left.
CREATE OR REPLACE TABLE quality_years_outside AS
WITH outside AS (
  SELECT source_id, indicator, year, count(*) AS rows
  FROM harmonized
  WHERE year < $1 OR year > $2
  GROUP BY ALL
),
runs AS (
  SELECT *, year - row_number() OVER (PARTITION BY source_id, indicator ORDER BY year) AS run
  FROM outside
),
spans AS (
  SELECT source_id, indicator, min(year) AS first, max(year) AS last, sum(rows) AS rows
  FROM runs
  GROUP BY source_id, indicator, run
)
SELECT source_id AS source, indicator, min(first)::INTEGER AS first_year, max(last)::INTEGER AS last_year,
       string_agg(CASE WHEN first = last THEN first::VARCHAR ELSE first || '–' || last END, ', ' ORDER BY first) AS years,
       sum(rows)::INTEGER AS rows
FROM spans
GROUP BY source_id, indicator
ORDER BY source, indicator;
