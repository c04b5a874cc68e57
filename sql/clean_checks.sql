-- Problems the clean stage refuses to paper over. One row per problem, with the provenance of a cell to show.
-- (1) a unit that cannot be converted to the indicator's canonical unit
SELECT 'unit' AS problem, h.file, h.sheet, h.cell, h.indicator,
       'a unit convertible to ' || i.unit || ', found ''' || h.unit || '''' AS expected
FROM harmonized h
JOIN ref_indicators i USING (indicator)
LEFT JOIN ref_unit_factors f ON f.canonical_unit = i.unit AND f.unit = h.unit
WHERE f.factor IS NULL
UNION ALL
-- (2) the same city-year-indicator reported twice (other than a merged predecessor next to its successor)
SELECT 'duplicate', any_value(file), any_value(sheet), string_agg(cell, ', ' ORDER BY cell), indicator,
       'one value per city, year and indicator; ' || city_code || ' ' || year || ' appears ' || count(*) || ' times'
FROM harmonized
WHERE (scope IS NULL OR scope = '全市') AND mapping <> 'merged'
GROUP BY city_code, year, indicator
HAVING count(*) > 1
UNION ALL
-- (3) a negative value of a count or an amount (all raw indicators are non-negative quantities)
SELECT 'negative', file, sheet, cell, indicator, 'a non-negative number, found ' || value
FROM harmonized
WHERE value < 0
LIMIT 20;
