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

-- Channels (渠道) per district and the ones each district's invoices are sold through (s_channel_pick).
\ir seed_scale_channels.sql;

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

-- `allocated` is the kept figure the postings would have left: a paid invoice is allocated in full below.
INSERT INTO customers_invoice (id, external_id, number, customer_id, district_id, salesperson_id, issue_date, due_date, amount,
                               status, cancelled_on, cancel_reason, over_credit_limit, created_at, allocated, channel_id)
SELECT g.id, 'SC-I' || lpad(g.id::text, 9, '0'), 'FP' || lpad(g.id::text, 9, '0'), g.customer_id, g.district_id, g.salesperson_id,
       g.issue_date, g.due_date, g.amount,
       CASE WHEN p.id IS NULL THEN 'open' ELSE 'paid' END, NULL, '', false, g.issue_date::timestamptz,
       CASE WHEN p.id IS NULL THEN 0 ELSE g.amount END,
       -- 30 % of the invoices came through a channel of their district (the same rule as --channels-only).
       CASE WHEN g.id % 10 IN (1, 4, 7) THEN ch.ids[1 + g.customer_id % ch.n] END
FROM s_group g LEFT JOIN s_paygroup p ON p.customer_id = g.customer_id AND p.grp = g.grp
LEFT JOIN s_channel_pick ch ON ch.district_id = g.district_id;

INSERT INTO customers_payment (id, external_id, customer_id, district_id, salesperson_id, received_on, amount, method, reference,
                               status, reversed_on, reverse_reason, created_at)
SELECT id, 'SC-P' || lpad(id::text, 9, '0'), customer_id, district_id, salesperson_id, received_on, amount, 'bank_transfer', '',
       'posted', NULL, '', received_on::timestamptz
FROM s_paygroup;

-- In date order, as allocations arrive in production: the BRIN index on allocated_on stays a few pages.
INSERT INTO customers_allocation (payment_id, invoice_id, amount, allocated_on, reversed_on)
SELECT p.id, g.id, g.amount, p.received_on, NULL
FROM s_group g JOIN s_paygroup p ON p.customer_id = g.customer_id AND p.grp = g.grp
ORDER BY p.received_on, p.id, g.id;



DROP TABLE s_invoice; DROP TABLE s_group; DROP TABLE s_paygroup; DROP TABLE s_channel_pick;
SELECT setval(pg_get_serial_sequence('customers_customer', 'id'), (SELECT max(id) FROM customers_customer));
SELECT setval(pg_get_serial_sequence('customers_invoice', 'id'), (SELECT max(id) FROM customers_invoice));
SELECT setval(pg_get_serial_sequence('customers_payment', 'id'), (SELECT max(id) FROM customers_payment));
