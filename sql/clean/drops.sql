-- The drop rule: a city stays only if every indicator its model variables need is present in every year
-- after imputation (required_indicators holds that list). The reason names each indicator that is still
-- missing somewhere, with its raw gap: every year without a usable reported value (not reported, or before the
-- city existed), filled or not — "budget_revenue missing in 2021,2022" where 2021 was carried and 2022 could
-- not be. missing_cells counts the cells the reason names.
CREATE OR REPLACE TABLE quality_drops AS
WITH still_missing AS (
  SELECT DISTINCT v.city_code, v.indicator
  FROM clean_values v
  JOIN dim_city c USING (city_code)
  JOIN required_indicators r USING (indicator)
  WHERE v.value IS NULL
),
raw_gaps AS (
  SELECT v.city_code, v.indicator, string_agg(v.year::VARCHAR, ',' ORDER BY v.year) AS years, count(*) AS n
  FROM clean_values v
  JOIN still_missing m USING (city_code, indicator)
  WHERE v.method <> 'observed'
  GROUP BY v.city_code, v.indicator
)
SELECT c.city_code, c.city_name, c.province, c.region,
       sum(g.n)::INTEGER AS missing_cells,
       string_agg(g.indicator || ' missing in ' || g.years, '; ' ORDER BY g.indicator) AS reason
FROM raw_gaps g JOIN dim_city c USING (city_code)
GROUP BY ALL
ORDER BY c.city_code;

-- Province series feed cities (Va): a province with a gap left after imputation drops its cities too, the
-- reason naming the province series' raw gap.
INSERT INTO quality_drops
WITH still_missing AS (
  SELECT DISTINCT v.city_code AS province_code, v.indicator
  FROM clean_values v
  JOIN dim_province p ON p.province_code = v.city_code
  JOIN required_indicators r USING (indicator)
  WHERE v.value IS NULL
),
raw_gaps AS (
  SELECT m.province_code, v.indicator, v.year
  FROM clean_values v
  JOIN still_missing m ON m.province_code = v.city_code AND m.indicator = v.indicator
  WHERE v.method <> 'observed'
)
SELECT c.city_code, c.city_name, c.province, c.region, count(*)::INTEGER,
       'provincial ' || string_agg(DISTINCT g.indicator, ', ') || ' missing in ' || string_agg(g.year::VARCHAR, ',' ORDER BY g.year)
FROM raw_gaps g
JOIN dim_city c ON c.province_code = g.province_code
WHERE c.city_code NOT IN (SELECT city_code FROM quality_drops)
GROUP BY ALL;

CREATE OR REPLACE TABLE clean_kept AS
SELECT city_code FROM dim_city WHERE city_code NOT IN (SELECT city_code FROM quality_drops);
