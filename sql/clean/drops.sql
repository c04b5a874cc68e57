-- The drop rule: a city stays only if every indicator its model variables need is present in every year
-- after imputation (required_indicators holds that list). The reason names indicators and years.
CREATE OR REPLACE TABLE quality_drops AS
WITH gaps AS (
  SELECT v.city_code, v.indicator, string_agg(v.year::VARCHAR, ',' ORDER BY v.year) AS years, count(*) AS n
  FROM clean_values v
  JOIN dim_city c USING (city_code)
  JOIN required_indicators r USING (indicator)
  WHERE v.value IS NULL
  GROUP BY v.city_code, v.indicator
)
SELECT c.city_code, c.city_name, c.province, c.region,
       sum(g.n)::INTEGER AS missing_cells,
       string_agg(g.indicator || ' missing in ' || g.years, '; ' ORDER BY g.indicator) AS reason
FROM gaps g JOIN dim_city c USING (city_code)
GROUP BY ALL
ORDER BY c.city_code;

-- Province series feed cities (Va): a province with a gap left after imputation drops its cities too.
INSERT INTO quality_drops
SELECT c.city_code, c.city_name, c.province, c.region, count(*)::INTEGER,
       'provincial ' || string_agg(DISTINCT v.indicator, ', ') || ' missing in ' || string_agg(v.year::VARCHAR, ',' ORDER BY v.year)
FROM clean_values v
JOIN dim_province p ON p.province_code = v.city_code
JOIN required_indicators r USING (indicator)
JOIN dim_city c ON c.province_code = p.province_code
WHERE v.value IS NULL AND c.city_code NOT IN (SELECT city_code FROM quality_drops)
GROUP BY ALL;

CREATE OR REPLACE TABLE clean_kept AS
SELECT city_code FROM dim_city WHERE city_code NOT IN (SELECT city_code FROM quality_drops);
