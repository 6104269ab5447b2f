-- National-scale data set, generated inside PostgreSQL (set-based, deterministic with setseed and
-- no parallel workers). Parameters arrive as psql-style placeholders replaced by seed_scale:
--   :n_customers :n_invoices :n_staff :today (YYYY-MM-DD) :months
-- Org units and the director/manager logins exist before this runs.

DROP TABLE IF EXISTS s_invoice, s_group, s_paygroup;  -- left over by an interrupted run
SET max_parallel_workers_per_gather = 0;  -- random() must be drawn in one deterministic order
SELECT setseed(0.20261127);

-- Districts in a fixed order, with a weight: bigger provinces' capitals sell more.
CREATE TEMP TABLE s_district AS
SELECT row_number() OVER (ORDER BY code) - 1 AS idx, id, parent_id,
       CASE WHEN right(code, 4) = '0100' THEN 4 ELSE 1 END AS weight
FROM regions_orgunit WHERE kind = 'district' AND is_active;
CREATE TEMP TABLE s_district_cum AS
SELECT idx, id, sum(weight) OVER (ORDER BY idx) - weight AS lo, sum(weight) OVER (ORDER BY idx) AS hi,
       sum(weight) OVER () AS total
FROM s_district;

-- Sales staff: managers are created by the command; here the sales reps, spread by district weight.
INSERT INTO regions_staffprofile (employee_no, name, unit_id, role, title, phone, email, hire_date, is_active, left_on)
SELECT 'SC' || lpad(g::text, 6, '0'), '业务员' || g, d.id, 'sales_rep', '业务员',
       '139' || lpad((g * 7919 % 100000000)::text, 8, '0'), '', date '2015-01-01' + (g * 37 % 3650), true, NULL
FROM generate_series(1, :n_staff) g
JOIN s_district_cum d ON ((g * 2654435761::bigint) % d.total) >= d.lo AND ((g * 2654435761::bigint) % d.total) < d.hi;
INSERT INTO regions_position (staff_id, unit_id, role, title, started_on, ended_on, note)
SELECT id, unit_id, role, title, hire_date, NULL, '' FROM regions_staffprofile WHERE employee_no LIKE 'SC%';

CREATE TEMP TABLE s_rep AS
SELECT unit_id AS district_id, id AS staff_id,
       row_number() OVER (PARTITION BY unit_id ORDER BY id) - 1 AS idx,
       count(*) OVER (PARTITION BY unit_id) AS n
FROM regions_staffprofile WHERE employee_no LIKE 'SC%';
CREATE INDEX ON s_rep (district_id, idx);

-- Customers with a payer profile: prompt, slow, bad, stopped (stops paying after a date).
CREATE TEMP TABLE s_customer AS
SELECT g AS id, d.id AS district_id,
       (SELECT staff_id FROM s_rep r WHERE r.district_id = d.id AND r.idx = g % r.n) AS salesperson_id,
       CASE WHEN p < 0.70 THEN 0 WHEN p < 0.92 THEN 1 WHEN p < 0.98 THEN 2 ELSE 3 END AS profile,
       (ARRAY[30, 30, 60, 90])[1 + (g % 4)] AS terms,
       random() AS size
FROM (SELECT g, random() AS r, random() AS p FROM generate_series(1, :n_customers) g) c
JOIN s_district_cum d ON floor(c.r * d.total) >= d.lo AND floor(c.r * d.total) < d.hi;
ALTER TABLE s_customer ADD PRIMARY KEY (id);

INSERT INTO customers_customer (id, external_id, name, name_initials, credit_code, kind, industry, province, city, address,
                                district_id, salesperson_id, is_key, credit_limit, status, created_at, updated_at)
SELECT c.id, 'SC-C' || lpad(c.id::text, 7, '0'),
       u.name || (ARRAY['华信','恒通','鼎盛','国泰','长城','宏远','金石','瑞丰','安泰','中和'])[1 + c.id % 10]
              || (ARRAY['实业','科技','贸易','投资','商贸','制造','物流','置业'])[1 + (c.id / 10) % 8] || c.id || '有限公司',
       '', NULL, (ARRAY['enterprise','enterprise','enterprise','institution','individual'])[1 + c.id % 5],
       (ARRAY['制造业','批发零售','建筑业','信息技术','交通运输','房地产','教育','医疗'])[1 + c.id % 8],
       p.name, u.name, u.name || '某路' || (c.id % 999 + 1) || '号',
       c.district_id, c.salesperson_id, c.size > 0.97, round((100000 + c.size * 2000000)::numeric, -4), 'active', now(), now()
FROM s_customer c JOIN regions_orgunit u ON u.id = c.district_id JOIN regions_orgunit p ON p.id = u.parent_id;

-- Months of the window with a seasonal weight (Spring Festival low, quarter ends high).
CREATE TEMP TABLE s_month AS
SELECT m, month_start, weight, sum(weight) OVER (ORDER BY m) - weight AS lo, sum(weight) OVER (ORDER BY m) AS hi,
       sum(weight) OVER () AS total
FROM (
  SELECT m, (date_trunc('month', date :'today') - make_interval(months => :months - 1 - m))::date AS month_start,
         (ARRAY[1.0, 0.6, 1.3, 1.0, 1.0, 1.25, 0.95, 0.95, 1.2, 1.0, 1.05, 1.5])[
            extract(month FROM date_trunc('month', date :'today') - make_interval(months => :months - 1 - m))::int] AS weight
  FROM generate_series(0, :months - 1) m
) x;

-- Invoices: customer drawn with a skew (some customers buy far more), month by season, lognormal-ish amounts.
CREATE UNLOGGED TABLE s_invoice AS
SELECT g AS id, c.id AS customer_id, c.district_id, c.salesperson_id, c.profile,
       least(mo.month_start + floor(random() * 28)::int, date :'today') AS issue_date, c.terms,
       round((500 + 20000 * power(random(), 3) + 3000 * random())::numeric, 2) AS amount
FROM (SELECT g, random() AS rc, random() AS rm FROM generate_series(1, :n_invoices) g) x
JOIN s_customer c ON c.id = 1 + floor(power(x.rc, 1.6) * :n_customers)::int
JOIN s_month mo ON x.rm * mo.total >= mo.lo AND x.rm * mo.total < mo.hi;

-- Payment groups: each customer settles about three invoices at a time, in due-date order, late by
-- their profile; "stopped" customers pay nothing due in the last ten months; nothing after today.
CREATE UNLOGGED TABLE s_group AS
SELECT i.*, i.issue_date + i.terms AS due_date,
       (row_number() OVER (PARTITION BY i.customer_id ORDER BY i.issue_date + i.terms, i.id) - 1) / 3 AS grp
FROM s_invoice i;
CREATE UNLOGGED TABLE s_paygroup AS
SELECT customer_id, grp, min(district_id) AS district_id, min(salesperson_id) AS salesperson_id, sum(amount) AS amount,
       max(due_date) + CASE min(profile) WHEN 0 THEN (customer_id % 11) WHEN 1 THEN 20 + (customer_id % 70)
                                          WHEN 2 THEN 120 + (customer_id % 280) ELSE 0 END AS received_on,
       min(profile) AS profile, max(due_date) AS last_due
FROM s_group GROUP BY customer_id, grp;
DELETE FROM s_paygroup WHERE received_on > date :'today' OR (profile = 3 AND last_due > date :'today' - 300);
ALTER TABLE s_paygroup ADD COLUMN id bigserial;
CREATE INDEX ON s_paygroup (customer_id, grp);

INSERT INTO customers_invoice (id, external_id, number, customer_id, district_id, salesperson_id, issue_date, due_date, amount,
                               status, cancelled_on, cancel_reason, over_credit_limit, created_at)
SELECT g.id, 'SC-I' || lpad(g.id::text, 9, '0'), 'FP' || lpad(g.id::text, 9, '0'), g.customer_id, g.district_id, g.salesperson_id,
       g.issue_date, g.due_date, g.amount,
       CASE WHEN p.id IS NULL THEN 'open' ELSE 'paid' END, NULL, '', false, g.issue_date::timestamptz
FROM s_group g LEFT JOIN s_paygroup p ON p.customer_id = g.customer_id AND p.grp = g.grp;

INSERT INTO customers_payment (id, external_id, customer_id, district_id, salesperson_id, received_on, amount, method, reference,
                               status, reversed_on, reverse_reason, created_at)
SELECT id, 'SC-P' || lpad(id::text, 9, '0'), customer_id, district_id, salesperson_id, received_on, amount, 'bank_transfer', '',
       'posted', NULL, '', received_on::timestamptz
FROM s_paygroup;

INSERT INTO customers_allocation (payment_id, invoice_id, amount, allocated_on, reversed_on)
SELECT p.id, g.id, g.amount, p.received_on, NULL
FROM s_group g JOIN s_paygroup p ON p.customer_id = g.customer_id AND p.grp = g.grp;


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
FROM s_rep r
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
FROM s_district d CROSS JOIN s_tmonth t ORDER BY d.id, t.month_start;
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
UPDATE plans_target c SET parent_id = p.id
FROM plans_target p
WHERE length(c.period) > 4 AND p.period = left(c.period, 4) AND p.metric = c.metric
  AND p.unit_id IS NOT DISTINCT FROM c.unit_id AND p.staff_id IS NOT DISTINCT FROM c.staff_id;
UPDATE plans_target c SET parent_id = p.id
FROM plans_target p, regions_orgunit u
WHERE length(c.period) = 4 AND c.unit_id = u.id AND p.unit_id = u.parent_id AND p.period = c.period AND p.metric = c.metric;
UPDATE plans_target c SET parent_id = p.id
FROM plans_target p
WHERE length(c.period) = 4 AND c.staff_id IS NOT NULL AND p.unit_id = c.owner_unit_id AND p.period = c.period AND p.metric = c.metric;
DROP TABLE s_target; DROP TABLE s_rep_avg; DROP TABLE s_tmonth;

DROP TABLE s_invoice; DROP TABLE s_group; DROP TABLE s_paygroup;
SELECT setval(pg_get_serial_sequence('customers_customer', 'id'), (SELECT max(id) FROM customers_customer));
SELECT setval(pg_get_serial_sequence('customers_invoice', 'id'), (SELECT max(id) FROM customers_invoice));
SELECT setval(pg_get_serial_sequence('customers_payment', 'id'), (SELECT max(id) FROM customers_payment));
