-- Which concept fed each indicator (户籍 or 常住 population, one GDP vintage or another, as the registry tags the
-- columns; NULL: not stated): per indicator, concept and source, the values used and their years. Two concepts
-- for one indicator mix two quantities in one series: a warning (data test clean_concepts_mixed).
CREATE OR REPLACE TABLE quality_concepts AS
WITH tags AS (
  SELECT DISTINCT source_id, indicator, concept FROM harmonized
)
SELECT n.indicator, t.concept, n.source_id AS source, min(n.year)::INTEGER AS first_year, max(n.year)::INTEGER AS last_year,
       count(*)::INTEGER AS "values"
FROM clean_normalized n
JOIN tags t USING (source_id, indicator)
WHERE n.value IS NOT NULL
GROUP BY ALL
ORDER BY n.indicator, first_year, t.concept NULLS FIRST, n.source_id;
