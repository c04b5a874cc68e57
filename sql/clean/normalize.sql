-- Every value in its indicator's canonical unit; the parts of a merged city (莱芜 into 济南) added up.
-- A sum is only taken when every part is present: half a city is not the city. A part is missing when its value
-- is empty, and also when it has no row at all: a successor-year-indicator whose predecessors (ref_merges, in the
-- years they were reported on their own) are not all there, while some source does report them (莱芜 in the GDP
-- file but not in the population file), or whose successor is not there itself. Such a value would mix two
-- territories in one city-year; it is left empty (then imputed, or the city dropped, like any gap) and listed in
-- merge_gaps for the quality report.
CREATE OR REPLACE TABLE merge_gaps AS
WITH expected AS (
  SELECT m.city_code, y.year, count(*) AS predecessors, string_agg(m.predecessor, '、' ORDER BY m.predecessor) AS names
  FROM ref_merges m
  JOIN range(${first_year}, ${last_year} + 1) y(year) ON y.year BETWEEN m.first_year AND m.last_year
  WHERE m.city_code IN (SELECT city_code FROM harmonized WHERE mapping = 'merged')
  GROUP BY ALL
),
parts AS (
  SELECT h.city_code, h.year, h.indicator,
         count(*) FILTER (WHERE h.mapping = 'merged') AS predecessor_rows,
         count(*) FILTER (WHERE h.mapping <> 'merged') AS own_rows
  FROM harmonized h
  WHERE coalesce(h.scope, '全市') = '全市' AND h.year BETWEEN ${first_year} AND ${last_year}
  GROUP BY ALL
)
SELECT p.city_code, p.year, p.indicator, e.names AS predecessors,
       CASE WHEN p.own_rows = 0 THEN 'no row of the successor itself' ELSE 'no row of the predecessor' END AS missing
FROM parts p
JOIN expected e USING (city_code, year)
WHERE p.predecessor_rows < e.predecessors OR p.own_rows = 0;

CREATE OR REPLACE VIEW clean_normalized AS
SELECT n.city_code, n.year, n.indicator, n.level, CASE WHEN g.city_code IS NULL THEN n.value END AS value, n.parts
FROM (
  SELECT h.city_code, h.year, h.indicator, i.level,
         CASE WHEN count(h.value) = count(*) THEN sum(h.value * f.factor) END AS value,
         count(*) AS parts
  FROM harmonized h
  JOIN ref_indicators i USING (indicator)
  JOIN ref_unit_factors f ON f.canonical_unit = i.unit AND f.unit = h.unit
  WHERE (h.scope IS NULL OR h.scope = '全市')
    AND h.year BETWEEN ${first_year} AND ${last_year}
  GROUP BY h.city_code, h.year, h.indicator, i.level
) n
LEFT JOIN merge_gaps g USING (city_code, year, indicator);
