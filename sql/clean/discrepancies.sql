-- Where several sources report a city-year-indicator: the value used next to each other source's, in the canonical
-- unit, with their relative difference |other − used| / used (vintages: GDP revised after a census; a unit slip).
CREATE OR REPLACE TABLE quality_discrepancies AS
SELECT u.city_code, coalesce(c.city_name, p.province) AS unit_name, u.year, u.indicator, i.unit,
       u.source_id AS used_source, u.value AS used_value, o.source_id AS other_source, o.value AS other_value,
       CASE WHEN o.value = u.value THEN 0
            WHEN u.value = 0 THEN 'inf'::DOUBLE
            ELSE abs(o.value - u.value) / abs(u.value) END AS relative_difference
FROM clean_normalized u
JOIN clean_by_source o ON o.city_code = u.city_code AND o.year = u.year AND o.indicator = u.indicator AND o.source_id <> u.source_id
JOIN ref_indicators i ON i.indicator = u.indicator
LEFT JOIN dim_city c ON c.city_code = u.city_code
LEFT JOIN dim_province p ON p.province_code = u.city_code
WHERE u.value IS NOT NULL AND o.value IS NOT NULL
ORDER BY u.indicator, u.city_code, u.year, o.source_id;
