-- The analysts' panel: kept city-years only, model variables transformed as the catalogue says
-- (from pipelines/catalogue.ts), heterogeneity groups, then the levels they came from.
CREATE OR REPLACE TABLE panel_base AS
SELECT city_code, city_name, province, province_code, region, is_municipality, year,
       ${transformed_columns},
       ${split_columns},
       * EXCLUDE (city_code, city_name, province, province_code, region, is_municipality, year, kept)
FROM derived
WHERE kept
ORDER BY city_code, year;
