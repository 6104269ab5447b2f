-- Targets of the national-scale data set, run by seed_scale after the facts (or alone with
-- --targets-only on an earlier data set). Parameters as in seed_scale.sql: :today :months.
DROP TABLE IF EXISTS s_target, s_rep_avg, s_tmonth;
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.20261128);

-- Targets (业务目标) for the three calendar years ending with today's, for every unit and sales rep:
-- sales amount and collections for units and reps, new customers for units. A rep's month target is
-- their average month in the window × the month's seasonal weight × a random 0.90–1.10; everything
-- above is the exact sum of what lies below (rep → district → province → region → company; months →
-- quarters → year), so every decomposition adds up to the cent, as the plans service would have it.
CREATE TEMP TABLE s_tmonth AS
SELECT make_date(y, m, 1) AS month_start, y, m,
       y::text || '-' || lpad(m::text, 2, '0') AS period,
       y::text || '-Q' || ((m + 2) / 3)::text AS quarter,
       (ARRAY[1.0, 0.6, 1.3, 1.0, 1.0, 1.25, 0.95, 0.95, 1.2, 1.0, 1.05, 1.5])[m] AS weight
FROM generate_series(extract(year FROM date :'today')::int - 2, extract(year FROM date :'today')::int) y,
     generate_series(1, 12) m;
CREATE TEMP TABLE s_rep_avg AS
SELECT r.staff_id, r.district_id, coalesce(i.total, 0) / :months AS sales, coalesce(p.total, 0) / :months AS collected
FROM (SELECT unit_id AS district_id, id AS staff_id FROM regions_staffprofile WHERE employee_no LIKE 'SC%') r
LEFT JOIN (SELECT salesperson_id, sum(amount) AS total FROM customers_invoice GROUP BY 1) i ON i.salesperson_id = r.staff_id
LEFT JOIN (SELECT salesperson_id, sum(amount) AS total FROM customers_payment GROUP BY 1) p ON p.salesperson_id = r.staff_id;
CREATE TEMP TABLE s_target (metric text, period text, unit_id bigint, staff_id bigint, owner_unit_id bigint, value numeric(18, 2),
                            level int, year text);
INSERT INTO s_target
SELECT metric, t.period, NULL, a.staff_id, a.district_id,
       round(CASE metric WHEN 'sales_amount' THEN a.sales ELSE a.collected END * t.weight * (0.9 + 0.2 * random())::numeric, 2),
       0, t.y::text
FROM s_rep_avg a CROSS JOIN s_tmonth t CROSS JOIN (VALUES ('sales_amount'), ('collections')) mt(metric)
ORDER BY a.staff_id, t.month_start, metric;
-- Districts: the sum of their reps; a district without reps gets its own new-customer target only.
INSERT INTO s_target
SELECT metric, period, owner_unit_id, NULL, owner_unit_id, sum(value), 1, year FROM s_target WHERE level = 0
GROUP BY metric, period, owner_unit_id, year;
INSERT INTO s_target
SELECT 'new_customers', t.period, d.id, NULL, d.id, floor(random() * 4 * d.weight * t.weight), 1, t.y::text
FROM (SELECT id, CASE WHEN right(code, 4) = '0100' THEN 4 ELSE 1 END AS weight FROM regions_orgunit WHERE kind = 'district' AND is_active) d
CROSS JOIN s_tmonth t ORDER BY d.id, t.month_start;
-- Provinces, regions and the company: sums of their children.
INSERT INTO s_target
SELECT s.metric, s.period, u.parent_id, NULL, u.parent_id, sum(s.value), 2, s.year
FROM s_target s JOIN regions_orgunit u ON u.id = s.unit_id WHERE s.level = 1 GROUP BY s.metric, s.period, u.parent_id, s.year;
INSERT INTO s_target
SELECT s.metric, s.period, u.parent_id, NULL, u.parent_id, sum(s.value), 3, s.year
FROM s_target s JOIN regions_orgunit u ON u.id = s.unit_id WHERE s.level = 2 GROUP BY s.metric, s.period, u.parent_id, s.year;
INSERT INTO s_target
SELECT s.metric, s.period, u.parent_id, NULL, u.parent_id, sum(s.value), 4, s.year
FROM s_target s JOIN regions_orgunit u ON u.id = s.unit_id WHERE s.level = 3 GROUP BY s.metric, s.period, u.parent_id, s.year;
-- Quarters and years of every owner: sums of its months.
INSERT INTO s_target
SELECT s.metric, t.quarter, s.unit_id, s.staff_id, s.owner_unit_id, sum(s.value), s.level, s.year
FROM s_target s JOIN s_tmonth t ON t.period = s.period GROUP BY s.metric, t.quarter, s.unit_id, s.staff_id, s.owner_unit_id, s.level, s.year;
INSERT INTO s_target
SELECT s.metric, s.year, s.unit_id, s.staff_id, s.owner_unit_id, sum(s.value), s.level, s.year
FROM s_target s WHERE s.period LIKE '%-Q%' GROUP BY s.metric, s.year, s.unit_id, s.staff_id, s.owner_unit_id, s.level;
INSERT INTO plans_target (metric, period, unit_id, staff_id, owner_unit_id, value, version, is_current, parent_id, split_method,
                          distribution_id, created_by_id, created_at)
SELECT metric, period, unit_id, staff_id, owner_unit_id, value, 1, true, NULL,
       CASE WHEN level = 4 AND length(period) = 4 THEN '' WHEN length(period) = 4 THEN 'shares' ELSE 'seasonal' END,
       NULL, NULL, now()
FROM s_target ORDER BY level DESC, length(period), period, unit_id, staff_id, metric;
-- What each target was split from: a year from its parent unit's year (a rep's from the district's);
-- quarters and months from the same owner's year.
-- (Two statements with plain equalities: IS NOT DISTINCT FROM would defeat the hash join.)
UPDATE plans_target c SET parent_id = p.id
FROM plans_target p
WHERE length(c.period) > 4 AND p.period = left(c.period, 4) AND p.metric = c.metric AND p.unit_id = c.unit_id;
UPDATE plans_target c SET parent_id = p.id
FROM plans_target p
WHERE length(c.period) > 4 AND p.period = left(c.period, 4) AND p.metric = c.metric AND p.staff_id = c.staff_id;
UPDATE plans_target c SET parent_id = p.id
FROM plans_target p, regions_orgunit u
WHERE length(c.period) = 4 AND c.unit_id = u.id AND p.unit_id = u.parent_id AND p.period = c.period AND p.metric = c.metric;
UPDATE plans_target c SET parent_id = p.id
FROM plans_target p
WHERE length(c.period) = 4 AND c.staff_id IS NOT NULL AND p.unit_id = c.owner_unit_id AND p.period = c.period AND p.metric = c.metric;
DROP TABLE s_target; DROP TABLE s_rep_avg; DROP TABLE s_tmonth;
