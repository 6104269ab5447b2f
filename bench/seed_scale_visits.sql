-- Customer visits (客户走访) of the national-scale data set: :n_visits visits over the :months-month window to the
-- seed's customers (ids 1…n, as seed_scale.sql makes them), a tenth of them to key customers (about two a month
-- each), by the customer's salesperson in the customer's district; all done, but for the last half per cent,
-- planned within the coming two weeks. Then each customer's last done visit (relations_customerlastvisit), as
-- the visit services keep it. Run by `seed_scale --visits-only` on an earlier data set (it replaces its visits).
-- Deterministic without random(). Parameters: :today :months :n_visits.
DROP TABLE IF EXISTS s_visit_key;
CREATE TEMP TABLE s_visit_key AS
SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id FROM customers_customer WHERE is_key AND external_id LIKE 'SC-C%';
ALTER TABLE s_visit_key ADD PRIMARY KEY (idx);

INSERT INTO relations_visit (external_id, customer_id, channel_id, unit_id, salesperson_id, "on", kind, state, participants,
                             notes, needs, competitors, next_step, next_on, task_id, created_by_id, created_at, updated_at)
SELECT 'SC-V' || lpad(v.g::text, 8, '0'), c.id, NULL, c.district_id, c.salesperson_id,
       v.day, (ARRAY['visit', 'visit', 'phone', 'phone', 'meeting', 'video', 'visit', 'event'])[1 + v.g % 8],
       CASE WHEN v.day > date :'today' THEN 'planned' ELSE 'done' END,
       '', (ARRAY['介绍新产品', '回访收款', '了解年度资金安排', '商谈合作方案', '处理服务问题'])[1 + v.g % 5],
       CASE WHEN v.g % 3 = 0 THEN (ARRAY['短期理财', '供应链融资', '跨境结算', '年金计划'])[1 + v.g % 4] ELSE '' END,
       CASE WHEN v.g % 7 = 0 THEN (ARRAY['工商银行', '招商证券', '平安保险'])[1 + v.g % 3] ELSE '' END,
       '', NULL, NULL, NULL, v.day::timestamptz, v.day::timestamptz
FROM (
  SELECT g,
         -- a tenth of the visits go to key customers, the rest round all customers; days spread by a hash of g
         CASE WHEN g % 10 = 0 AND (SELECT count(*) FROM s_visit_key) > 0
              THEN (SELECT id FROM s_visit_key WHERE idx = abs(hashint4(g)) % (SELECT count(*) FROM s_visit_key))
              ELSE 1 + abs(hashint4(g + 7)) % (SELECT max(id) FROM customers_customer WHERE external_id LIKE 'SC-C%')
         END AS customer_id,
         CASE WHEN g > :n_visits - :n_visits / 200 THEN date :'today' + 1 + g % 14
              ELSE date :'today' - abs(hashint4(3 * g + 1)) % (:months * 30) END AS day
  FROM generate_series(1, :n_visits) g
) v JOIN customers_customer c ON c.id = v.customer_id;

INSERT INTO relations_customerlastvisit (customer_id, last_on)
SELECT customer_id, max("on") FROM relations_visit WHERE state = 'done' AND customer_id IS NOT NULL GROUP BY customer_id;
DROP TABLE s_visit_key
