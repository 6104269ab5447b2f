-- Sales channels (渠道) of the national-scale data set: 5–20 per district office, each with the history of
-- its states (ChannelTransition), and s_channel_pick, the channels each district's invoices are sold through.
-- Run by seed_scale.sql before the invoices (a share of them name a channel there), or alone with
-- `seed_scale --channels-only` on an earlier data set (the invoices get their channels by one UPDATE, the
-- same choice as the INSERT's). Deterministic without random(): the fresh seed's random stream, and so its
-- invoices and payments, stay what they were. Parameters as in seed_scale.sql: :today :months.
--
-- States: k = 0 of each district and most others active (about 65 %), contracted within the window (10 %:
-- the new-channels figure of those months), dormant, terminated, still a prospect or negotiating (5 % each).
-- Established channels (active, dormant, terminated) reached `contracted` before the window; the invoices
-- name only active or dormant ones (SELLING_CHANNEL_STATES but `contracted`, whose contract is recent).
DROP TABLE IF EXISTS s_channel, s_channel_rep, s_channel_pick;
CREATE TEMP TABLE s_channel_rep AS
SELECT unit_id AS district_id, id AS staff_id,
       row_number() OVER (PARTITION BY unit_id ORDER BY id) - 1 AS idx,
       count(*) OVER (PARTITION BY unit_id) AS n
FROM regions_staffprofile WHERE employee_no LIKE 'SC%';
CREATE TEMP TABLE s_channel AS
SELECT d.id AS district_id, d.code, d.name AS district_name, d.idx, k,
       'SC-CH' || d.code || '-' || lpad(k::text, 2, '0') AS external_id,
       CASE WHEN k = 0 THEN 'active'
            ELSE (ARRAY['prospect', 'negotiating', 'dormant', 'terminated', 'contracted', 'contracted',
                        'active', 'active', 'active', 'active', 'active', 'active', 'active', 'active',
                        'active', 'active', 'active', 'active', 'active', 'active'])[1 + (k * 7 + d.idx) % 20] END AS state,
       w.window_start, w.today, w.days
FROM (SELECT (row_number() OVER (ORDER BY code) - 1)::int AS idx, id, code, name
      FROM regions_orgunit WHERE kind = 'district' AND is_active) d
CROSS JOIN LATERAL generate_series(0, 4 + ((d.id * 7919) % 16)::int) k
CROSS JOIN (SELECT (date_trunc('month', date :'today') - make_interval(months => :months - 1))::date AS window_start,
                   date :'today' AS today,
                   date :'today' - (date_trunc('month', date :'today') - make_interval(months => :months - 1))::date AS days) w;
ALTER TABLE s_channel ADD COLUMN opened date, ADD COLUMN contracted date, ADD COLUMN ended date;
-- Established: opened 1–2 years before the window, contracted 45 days later, active 10 days after that;
-- dormant or terminated on a day of the window. New: contracted on a day of the window (60 days after being
-- opened). Prospects and negotiators: opened within the last 200 days.
UPDATE s_channel SET
  opened = CASE WHEN state IN ('active', 'dormant', 'terminated') THEN window_start - 400 + (k * 37 + idx * 11) % 300
                WHEN state = 'contracted' THEN window_start + (k * 53 + idx * 29) % greatest(days - 60, 1) - 60
                ELSE today - (k * 13 + idx * 7) % 200 END;
UPDATE s_channel SET
  contracted = CASE WHEN state IN ('active', 'dormant', 'terminated') THEN opened + 45
                    WHEN state = 'contracted' THEN opened + 60 END,
  ended = CASE WHEN state IN ('dormant', 'terminated') THEN least(window_start + (k * 97 + idx * 31) % greatest(days, 1), today) END;

INSERT INTO sales_channels_channel (external_id, name, kind, credit_code, unit_id, salesperson_id, tier, state, state_since,
                                    address, note, created_at, updated_at)
SELECT c.external_id,
       c.district_name || (ARRAY['工商银行','建设银行','招商证券','平安保险','财富平台','个人代理','农业银行','中信证券'])[1 + c.k % 8]
              || '渠道' || (c.k + 1),
       (ARRAY['bank','bank','securities','insurance','platform','agent','bank','securities'])[1 + c.k % 8],
       NULL, c.district_id, r.staff_id,
       CASE WHEN c.k = 0 THEN 'strategic' WHEN c.k % 5 = 1 THEN 'key' ELSE 'regular' END,
       c.state,
       CASE c.state WHEN 'prospect' THEN c.opened WHEN 'negotiating' THEN c.opened + 20 WHEN 'contracted' THEN c.contracted
                    WHEN 'active' THEN c.contracted + 10 ELSE c.ended END,
       '', '', c.opened::timestamptz, now()
FROM s_channel c LEFT JOIN s_channel_rep r ON r.district_id = c.district_id AND r.idx = c.k % r.n
ORDER BY c.district_id, c.k;

INSERT INTO sales_channels_channeltransition (channel_id, from_state, to_state, "on", by_id, reason, created_at)
SELECT ch.id, t.from_state, t.to_state, t.on_day, NULL, '', t.on_day::timestamptz
FROM s_channel c JOIN sales_channels_channel ch ON ch.external_id = c.external_id
CROSS JOIN LATERAL (VALUES
  (1, '', 'prospect', c.opened, true),
  (2, 'prospect', 'negotiating', c.opened + 20, c.state <> 'prospect'),
  (3, 'negotiating', 'contracted', c.contracted, c.contracted IS NOT NULL),
  (4, 'contracted', 'active', c.contracted + 10, c.state IN ('active', 'dormant', 'terminated')),
  (5, 'active', c.state, c.ended, c.state IN ('dormant', 'terminated'))
) t(step, from_state, to_state, on_day, happened)
WHERE t.happened
ORDER BY ch.id, t.step;

-- The channels a district's invoices are sold through: a customer buys through one of them, always the same.
CREATE TEMP TABLE s_channel_pick AS
SELECT unit_id AS district_id, array_agg(id ORDER BY id) AS ids, count(*)::int AS n
FROM sales_channels_channel WHERE external_id LIKE 'SC-CH%' AND state IN ('active', 'dormant')
GROUP BY unit_id;
ALTER TABLE s_channel_pick ADD PRIMARY KEY (district_id);
DROP TABLE s_channel, s_channel_rep
