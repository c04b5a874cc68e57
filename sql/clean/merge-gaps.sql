-- The quality report of merged predecessors (莱芜 into 济南): per successor and indicator, the years in which a
-- predecessor (or the successor itself) had no row while the other did, so the value was left empty rather than
-- mix two territories (normalize.sql); and what became of those cells: imputed, still missing, the city dropped.
CREATE OR REPLACE TABLE quality_merge_gaps AS
SELECT g.city_code, c.city_name, g.indicator, any_value(g.predecessors) AS predecessors,
       string_agg(DISTINCT g.missing, '; ') AS missing,
       string_agg(g.year::VARCHAR, ',' ORDER BY g.year) AS years,
       count(*)::INTEGER AS cells,
       count(*) FILTER (WHERE v.method IN ('interpolated', 'carried'))::INTEGER AS imputed,
       count(*) FILTER (WHERE v.method = 'missing')::INTEGER AS still_missing,
       bool_or(d.city_code IS NOT NULL) AS city_dropped
FROM merge_gaps g
JOIN dim_city c USING (city_code)
LEFT JOIN clean_values v USING (city_code, year, indicator)
LEFT JOIN quality_drops d USING (city_code)
GROUP BY g.city_code, c.city_name, g.indicator
ORDER BY g.city_code, g.indicator;
