-- How much of each required indicator each candidate year has: units reporting a value over units that report
-- the indicator in any year of the range. A year below the coverage threshold is a missing edition or export,
-- never something to interpolate.
CREATE OR REPLACE TABLE year_coverage AS
WITH rows AS (
  SELECT h.indicator, h.year, h.city_code, h.value
  FROM harmonized h JOIN required_indicators USING (indicator)
  WHERE (h.scope IS NULL OR h.scope = '全市') AND h.year BETWEEN ${first_year} AND ${last_year}
),
units AS (SELECT indicator, count(DISTINCT city_code) AS units FROM rows GROUP BY indicator),
observed AS (SELECT indicator, year, count(DISTINCT city_code) FILTER (WHERE value IS NOT NULL) AS observed FROM rows GROUP BY ALL)
SELECT r.indicator, y.year::INTEGER AS year, coalesce(u.units, 0)::INTEGER AS units, coalesce(o.observed, 0)::INTEGER AS observed,
       CASE WHEN coalesce(u.units, 0) = 0 THEN 0 ELSE coalesce(o.observed, 0) / u.units END AS share
FROM required_indicators r
CROSS JOIN range(${first_year}, ${last_year} + 1) y(year)
LEFT JOIN units u USING (indicator)
LEFT JOIN observed o ON o.indicator = r.indicator AND o.year = y.year
ORDER BY r.indicator, year;
