-- Problems the clean stage refuses to paper over. One row per problem, with the provenance of a cell to show.
-- (1) a unit that cannot be converted to the indicator's canonical unit
SELECT 'unit' AS problem, h.file, h.sheet, h.cell, h.indicator,
       'a unit convertible to ' || i.unit || ', found ''' || h.unit || '''' AS expected
FROM harmonized h
JOIN ref_indicators i USING (indicator)
LEFT JOIN ref_unit_factors f ON f.canonical_unit = i.unit AND f.unit = h.unit
WHERE f.factor IS NULL
UNION ALL
-- (2) the same city-year-indicator reported twice by one source (other than a merged predecessor next to its
-- successor); the duplicated keys are found first, the cells listed for those only (an ordered aggregate over every
-- group is slow)
SELECT 'duplicate', min(h.file), arg_min(h.sheet, h.file), string_agg(h.cell, ', ' ORDER BY h.cell), h.indicator,
       'one value per city, year and indicator; ' || h.city_code || ' ' || h.year || ' appears ' || count(*) || ' times'
FROM harmonized h
SEMI JOIN (
  SELECT source_id, city_code, year, indicator FROM harmonized
  WHERE (scope IS NULL OR scope = '全市') AND mapping <> 'merged'
  GROUP BY ALL HAVING count(*) > 1
) d ON d.source_id = h.source_id AND d.city_code = h.city_code AND d.year = h.year AND d.indicator = h.indicator
WHERE (h.scope IS NULL OR h.scope = '全市') AND h.mapping <> 'merged'
GROUP BY h.source_id, h.city_code, h.year, h.indicator
UNION ALL
-- (2b) several sources for one city-year-indicator: allowed when each declares a precedence of its own
-- (stg_sources), the highest is used (normalize.sql)
SELECT 'sources', min(h.file), arg_min(h.sheet, h.file), string_agg(h.cell, ', ' ORDER BY h.source_id, h.cell), h.indicator,
       'one source per city, year and indicator, or a different "precedence" in the registry for each source reporting it; '
       || h.city_code || ' ' || h.year || ' is reported by ' || string_agg(DISTINCT h.source_id, ', ' ORDER BY h.source_id)
       || ' (precedence ' || string_agg(DISTINCT coalesce(s.precedence::VARCHAR, 'none'), ', ') || ')'
FROM harmonized h
LEFT JOIN stg_sources s USING (source_id)
SEMI JOIN (
  SELECT p.city_code, p.year, p.indicator
  FROM (SELECT DISTINCT source_id, city_code, year, indicator FROM harmonized
        WHERE (scope IS NULL OR scope = '全市') AND mapping <> 'merged') p
  LEFT JOIN stg_sources s USING (source_id)
  GROUP BY ALL
  HAVING count(*) > 1 AND (count(s.precedence) < count(*) OR count(DISTINCT s.precedence) < count(*))
) d ON d.city_code = h.city_code AND d.year = h.year AND d.indicator = h.indicator
WHERE (h.scope IS NULL OR h.scope = '全市') AND h.mapping <> 'merged'
GROUP BY h.city_code, h.year, h.indicator
UNION ALL
-- (3) a negative value of a count or an amount (all raw indicators are non-negative quantities)
SELECT 'negative', file, sheet, cell, indicator, 'a non-negative number, found ' || value
FROM harmonized
WHERE value < 0
-- the same problem first on every run (the stage reports the first row)
ORDER BY problem, expected, file, sheet, cell
LIMIT 20;
