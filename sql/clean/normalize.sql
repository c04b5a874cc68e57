-- Every value in its indicator's canonical unit; the parts of a merged city (莱芜 into 济南) added up; where several
-- sources report a city-year-indicator, the value of the source with the highest precedence (stg_sources).
-- A sum is only taken when every part is present: half a city is not the city. A part is missing when its value
-- is empty, and also when it has no row at all: a successor-year-indicator whose predecessors (ref_merges, in the
-- years they were reported on their own) are not all there in a source, while some source does report them (莱芜
-- in the GDP file but not in the population file), or whose successor is not there itself. Such a value would mix
-- two territories in one city-year; it is left to the next source, or left empty (then imputed, or the city
-- dropped, like any gap) and listed in merge_gaps for the quality report.
CREATE OR REPLACE TABLE merge_gaps_by_source AS
WITH expected AS (
  SELECT m.city_code, y.year, count(*) AS predecessors, string_agg(m.predecessor, '、' ORDER BY m.predecessor) AS names
  FROM ref_merges m
  JOIN range(${first_year}, ${last_year} + 1) y(year) ON y.year BETWEEN m.first_year AND m.last_year
  WHERE m.city_code IN (SELECT city_code FROM harmonized WHERE mapping = 'merged')
  GROUP BY ALL
),
parts AS (
  SELECT h.source_id, h.city_code, h.year, h.indicator, i.kind,
         count(*) FILTER (WHERE h.mapping = 'merged') AS predecessor_rows,
         count(*) FILTER (WHERE h.mapping <> 'merged') AS own_rows
  FROM harmonized h
  JOIN ref_indicators i USING (indicator)
  WHERE coalesce(h.scope, '全市') = '全市' AND h.year BETWEEN ${first_year} AND ${last_year}
  GROUP BY h.source_id, h.city_code, h.year, h.indicator, i.kind
)
-- a rate or ratio (an intensive extra indicator) cannot be added up: with a predecessor reported it is left empty
SELECT p.source_id, p.city_code, p.year, p.indicator, e.names AS predecessors,
       CASE WHEN p.kind = 'intensive' AND p.predecessor_rows > 0 THEN 'an intensive indicator (a rate or ratio) is not added up'
            WHEN p.own_rows = 0 THEN 'no row of the successor itself' ELSE 'no row of the predecessor' END AS missing
FROM parts p
JOIN expected e USING (city_code, year)
WHERE p.predecessor_rows < e.predecessors OR p.own_rows = 0 OR (p.kind = 'intensive' AND p.predecessor_rows > 0);

-- each source's value of a city-year-indicator (merged parts added up), empty where it has a gap
CREATE OR REPLACE TABLE clean_by_source AS
SELECT n.source_id, s.precedence, n.city_code, n.year, n.indicator, n.level,
       CASE WHEN g.city_code IS NULL THEN n.value END AS value, n.parts
FROM (
  SELECT h.source_id, h.city_code, h.year, h.indicator, i.level,
         CASE WHEN count(h.value) = count(*) THEN sum(h.value * f.factor) END AS value,
         count(*) AS parts
  FROM harmonized h
  JOIN ref_indicators i USING (indicator)
  JOIN ref_unit_factors f ON f.canonical_unit = i.unit AND f.unit = h.unit
  WHERE (h.scope IS NULL OR h.scope = '全市')
    AND h.year BETWEEN ${first_year} AND ${last_year}
  GROUP BY h.source_id, h.city_code, h.year, h.indicator, i.level
) n
LEFT JOIN stg_sources s USING (source_id)
LEFT JOIN merge_gaps_by_source g USING (source_id, city_code, year, indicator);

-- the value used: that of the highest precedence among the sources that have one (checks.sql makes sure sources
-- sharing a city-year-indicator declare different precedences)
CREATE OR REPLACE TABLE clean_normalized AS
SELECT city_code, year, indicator, level, value, parts, source_id
FROM clean_by_source
QUALIFY row_number() OVER (PARTITION BY city_code, year, indicator ORDER BY value IS NULL, precedence DESC NULLS LAST, source_id) = 1;

-- the gaps that left a value empty: no source had the whole territory
CREATE OR REPLACE TABLE merge_gaps AS
SELECT g.city_code, g.year, g.indicator, min(g.predecessors) AS predecessors, min(g.missing) AS missing
FROM merge_gaps_by_source g
JOIN clean_normalized n USING (city_code, year, indicator)
WHERE n.value IS NULL
GROUP BY ALL;
