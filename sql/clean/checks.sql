-- Problems the clean stage refuses to paper over. One row per problem, with the provenance of a cell to show.
-- (1) a unit that cannot be converted to the indicator's canonical unit
SELECT 'unit' AS problem, h.file, h.sheet, h.cell, h.indicator,
       'a unit convertible to ' || i.unit || ', found ''' || h.unit || '''' AS expected
FROM harmonized h
JOIN ref_indicators i USING (indicator)
LEFT JOIN ref_unit_factors f ON f.canonical_unit = i.unit AND f.unit = h.unit
WHERE f.factor IS NULL
UNION ALL
-- (2) the same city-year-indicator reported twice (other than a merged predecessor next to its successor);
-- the duplicated keys are found first, the cells listed for those only (an ordered aggregate over every group
-- is slow)
SELECT 'duplicate', any_value(h.file), any_value(h.sheet), string_agg(h.cell, ', ' ORDER BY h.cell), h.indicator,
       'one value per city, year and indicator; ' || h.city_code || ' ' || h.year || ' appears ' || count(*) || ' times'
FROM harmonized h
SEMI JOIN (
  SELECT city_code, year, indicator FROM harmonized
  WHERE (scope IS NULL OR scope = '全市') AND mapping <> 'merged'
  GROUP BY ALL HAVING count(*) > 1
) d ON d.city_code = h.city_code AND d.year = h.year AND d.indicator = h.indicator
WHERE (h.scope IS NULL OR h.scope = '全市') AND h.mapping <> 'merged'
GROUP BY h.city_code, h.year, h.indicator
UNION ALL
-- (3) a negative value of a count or an amount (all raw indicators are non-negative quantities)
SELECT 'negative', file, sheet, cell, indicator, 'a non-negative number, found ' || value
FROM harmonized
WHERE value < 0
LIMIT 20;
