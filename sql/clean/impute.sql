-- Fill gaps within each unit's series: interior gaps of at most ${max_gap} year(s) by linear interpolation
-- between the nearest observed years, at most ${edge_carry} year(s) at either edge by carrying the nearest
-- value. Longer gaps stay missing. Everything filled is flagged. A city has no values before its first year
-- as a city (三沙 2012, 儋州 2015, 海东 2013 …): nothing is carried into years it did not exist, and a
-- back-cast value there is not used (it would also enter its province's totals, e.g. the Va denominator).
CREATE OR REPLACE TABLE clean_values AS
WITH grid AS (
  SELECT u.unit_code AS city_code, y.year, i.indicator, u.first_year,
         CASE WHEN y.year >= u.first_year THEN v.value END AS value
  FROM (SELECT city_code AS unit_code, 'city' AS level, first_year FROM dim_city
        UNION ALL SELECT province_code, 'province', 0 FROM dim_province) u
  CROSS JOIN (SELECT range::INTEGER AS year FROM range(${first_year}, ${last_year} + 1)) y
  JOIN ref_indicators i ON i.level = u.level
  LEFT JOIN clean_normalized v ON v.city_code = u.unit_code AND v.year = y.year AND v.indicator = i.indicator
),
neighbours AS (
  SELECT *,
    last_value(CASE WHEN value IS NOT NULL THEN year END IGNORE NULLS) OVER back AS prev_year,
    last_value(value IGNORE NULLS) OVER back AS prev_value,
    first_value(CASE WHEN value IS NOT NULL THEN year END IGNORE NULLS) OVER ahead AS next_year,
    first_value(value IGNORE NULLS) OVER ahead AS next_value
  FROM grid
  WINDOW back AS (PARTITION BY city_code, indicator ORDER BY year ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
         ahead AS (PARTITION BY city_code, indicator ORDER BY year ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
)
SELECT city_code, year, indicator,
  CASE
    WHEN year < first_year THEN NULL
    WHEN value IS NOT NULL THEN value
    WHEN prev_year IS NOT NULL AND next_year IS NOT NULL AND next_year - prev_year - 1 <= ${max_gap}
      THEN prev_value + (next_value - prev_value) * (year - prev_year) / (next_year - prev_year)
    WHEN prev_year IS NOT NULL AND next_year IS NOT NULL THEN NULL
    WHEN prev_year IS NOT NULL AND year - prev_year <= ${edge_carry} THEN prev_value
    WHEN next_year IS NOT NULL AND next_year - year <= ${edge_carry} THEN next_value
  END AS value,
  CASE
    WHEN year < first_year THEN 'not_a_city'
    WHEN value IS NOT NULL THEN 'observed'
    WHEN prev_year IS NOT NULL AND next_year IS NOT NULL AND next_year - prev_year - 1 <= ${max_gap} THEN 'interpolated'
    WHEN prev_year IS NOT NULL AND next_year IS NOT NULL THEN 'missing'
    WHEN prev_year IS NOT NULL AND year - prev_year <= ${edge_carry} THEN 'carried'
    WHEN next_year IS NOT NULL AND next_year - year <= ${edge_carry} THEN 'carried'
    ELSE 'missing'
  END AS method,
  prev_year, next_year
FROM neighbours;

CREATE OR REPLACE TABLE quality_imputations AS
SELECT v.city_code, coalesce(c.city_name, p.province) AS unit_name, v.year, v.indicator, v.method, v.value,
       v.prev_year AS from_year, v.next_year AS to_year
FROM clean_values v
LEFT JOIN dim_city c ON c.city_code = v.city_code
LEFT JOIN dim_province p ON p.province_code = v.city_code
WHERE v.method IN ('interpolated', 'carried')
ORDER BY v.city_code, v.indicator, v.year;
