-- The quality report of the clean stage: per indicator and panel year, how many units reported, how many cells
-- were imputed, and the share imputed.
CREATE OR REPLACE TABLE quality_coverage AS
SELECT v.indicator, v.year,
       count(*)::INTEGER AS units,
       count(*) FILTER (WHERE v.method = 'observed')::INTEGER AS observed,
       count(*) FILTER (WHERE v.method IN ('interpolated', 'carried'))::INTEGER AS imputed,
       count(*) FILTER (WHERE v.method = 'missing')::INTEGER AS missing,
       (count(*) FILTER (WHERE v.method IN ('interpolated', 'carried')) / count(*))::DOUBLE AS imputed_share
FROM clean_values v
GROUP BY ALL
ORDER BY v.indicator, v.year;

-- Unit slips: an observed value a power of ten (about 10^2.5 or more) away from the median of its own series
-- within two years either side (three values at least) — a cell typed in 元 under 万元, or a whole year's
-- column in the wrong unit. Flagged with the raw cell; never changed.
CREATE OR REPLACE TABLE quality_unit_slips AS
WITH series AS (
  SELECT city_code, year, indicator, value,
         median(value) OVER w AS local_median, count(value) OVER w AS n
  FROM clean_values
  WHERE method = 'observed' AND value > 0
  WINDOW w AS (PARTITION BY city_code, indicator ORDER BY year RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING)
)
SELECT s.city_code, s.year, s.indicator, s.value, s.local_median, round(log10(s.value / s.local_median))::INTEGER AS power_of_ten,
       any_value(h.file) AS file, any_value(h.sheet) AS sheet, any_value(h.cell) AS cell
FROM series s
-- the cells of the source whose value was used
LEFT JOIN clean_normalized n ON n.city_code = s.city_code AND n.year = s.year AND n.indicator = s.indicator
LEFT JOIN harmonized h ON h.city_code = s.city_code AND h.year = s.year AND h.indicator = s.indicator
  AND h.source_id = n.source_id AND (h.scope IS NULL OR h.scope = '全市')
WHERE s.n >= 3 AND abs(log10(s.value / s.local_median)) >= 2.5
GROUP BY ALL
ORDER BY s.indicator, s.year, s.city_code;
