-- Every value in its indicator's canonical unit; the parts of a merged city (莱芜 into 济南) added up.
-- A sum is only taken when every part is present: half a city is not the city.
CREATE OR REPLACE VIEW clean_normalized AS
SELECT h.city_code, h.year, h.indicator, i.level,
       CASE WHEN count(h.value) = count(*) THEN sum(h.value * f.factor) END AS value,
       count(*) AS parts
FROM harmonized h
JOIN ref_indicators i USING (indicator)
JOIN ref_unit_factors f ON f.canonical_unit = i.unit AND f.unit = h.unit
WHERE (h.scope IS NULL OR h.scope = '全市')
  AND h.year BETWEEN ${first_year} AND ${last_year}
GROUP BY h.city_code, h.year, h.indicator, i.level;
