-- Model variables in levels, for every city of the universe (dropped ones too: a provincial total is split
-- over all the cities the province reports, kept or not). The catalogue (pipelines/catalogue.ts) supplies
-- the pivoted raw columns, the provincial columns and the derived expressions.
CREATE OR REPLACE TABLE derived AS
WITH city_wide AS (
  SELECT v.city_code, v.year, ${raw_columns}
  FROM clean_values v JOIN dim_city USING (city_code)
  GROUP BY v.city_code, v.year
),
province_wide AS (
  SELECT v.city_code AS province_code, v.year, ${province_columns}
  FROM clean_values v JOIN dim_province p ON p.province_code = v.city_code
  GROUP BY v.city_code, v.year
),
joined AS (
  SELECT c.city_code, c.city_name, c.province, c.province_code, c.region, c.is_municipality, w.year,
         k.city_code IS NOT NULL AS kept, w.* EXCLUDE (city_code, year), p.* EXCLUDE (province_code, year)
  FROM city_wide w
  JOIN dim_city c USING (city_code)
  LEFT JOIN province_wide p ON p.province_code = c.province_code AND p.year = w.year
  LEFT JOIN clean_kept k ON k.city_code = c.city_code
)
SELECT *, ${derived_columns}
FROM joined
ORDER BY city_code, year;
