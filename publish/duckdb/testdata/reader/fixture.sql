-- A small, hand-made release for reader_test.go: a few rows of every
-- public table, whose every figure the tests state by hand. The tables
-- themselves are made from schemas.PublicTables (publicTablesDDL in
-- reader_test.go) before these rows go in. The figures are plausible, not
-- computed: the reader reads what a release holds and recomputes nothing.

-- Metrics: one proportion shown plainly and one under small-counts control
-- with no bounds; inserted out of order.
INSERT INTO metrics VALUES
    ('staff-turnover', 'Staff turnover', 'proportion', 'percent', 100, 'lower_is_better', NULL, NULL, 'small_counts',
     ['care-home', 'homecare'], 'Share of staff who left.', 'Staff who left', 'Staff in post', NULL, '', '', NULL, NULL),
    ('hc-visits-on-time', 'Visits on time', 'proportion', 'percent', 100, 'higher_is_better', 0, 100, 'none',
     ['homecare'], 'Share of planned home-care visits that began on time.', 'Visits that began on time', 'Visits planned',
     'Yardstick test fixture', '', '', NULL, NULL);

INSERT INTO period_links VALUES
    ('2024-25-Q2', 'quarter', '2024-07-01', '2024-09-30', '2024-25-Q1', '2023-24-Q2'),
    ('2024-25-Q1', 'quarter', '2024-04-01', '2024-06-30', '2023-24-Q4', '2023-24-Q1');

-- Four councils in two regions; Cambridge has no observations.
INSERT INTO councils VALUES
    ('E08000009', 'TRF', 'Trafford', 'Trafford Metropolitan Borough Council', 'MD', 'Metropolitan district',
     'North West', 'England', NULL, NULL, 235493, 106.04, true, true, NULL),
    ('E08000010', 'WGN', 'Wigan', 'Wigan Metropolitan Borough Council', 'MD', 'Metropolitan district',
     'North West', 'England', NULL, NULL, 330714, 188.23, true, true, NULL),
    ('E10000003', 'CAM', 'Cambridgeshire', 'Cambridgeshire County Council', 'CTY', 'County council',
     'East of England', 'England', '1974-04-01', NULL, 653537, 3046.1, true, false, NULL),
    ('E07000008', 'CAB', 'Cambridge', 'Cambridge City Council', 'NMD', 'Non-metropolitan district',
     'East of England', 'England', '1974-04-01', NULL, 125758, 40.7, false, true, 'E10000003');

-- A list per responsibility: Trafford's waste-collection list holds the
-- district Cambridge, its social-care list the county Cambridgeshire.
INSERT INTO similar_councils VALUES
    ('E08000009', 'waste_collection', 'E07000008', 2, 1.7, 'yardstick-nn-v1'),
    ('E08000009', 'social_care', 'E10000003', 2, 2.1, 'yardstick-nn-v1'),
    ('E08000009', 'social_care', 'E08000010', 1, 0.5, 'yardstick-nn-v1'),
    ('E08000009', 'waste_collection', 'E08000010', 1, 0.5, 'yardstick-nn-v1'),
    ('E08000010', 'social_care', 'E08000009', 1, 0.5, 'yardstick-nn-v1'),
    ('E10000003', 'social_care', 'E08000009', 1, 2.1, 'yardstick-nn-v1');

INSERT INTO peer_groups VALUES
    ('E08000009:social_care', 'E08000009'), ('E08000009:social_care', 'E08000010'), ('E08000009:social_care', 'E10000003'),
    ('E08000009:waste_collection', 'E08000009'), ('E08000009:waste_collection', 'E08000010'),
    ('E08000009:waste_collection', 'E07000008'),
    ('E08000010:social_care', 'E08000010'), ('E08000010:social_care', 'E08000009'),
    ('E10000003:social_care', 'E10000003'), ('E10000003:social_care', 'E08000009');

-- Three providers of two sectors. The names and aliases hold a literal %
-- and _, which a search must not read as wildcards. Acme is the register's
-- (its sector, identifiers and ratings); the others are the councils'.
INSERT INTO providers (provider_id, provider_name, sector, sector_source, aliases, identifiers, rating, rating_date, ratings,
    n_councils, councils, services, first_period_start, last_period_end, n_rows) VALUES
    ('SC0303', 'Cedar_House', 'private', 'councils'' returns', ['Cedar 5% Homes'], [], '', NULL, [],
     1, ['E10000003'], ['care-home', 'homecare'], '2024-04-01', '2024-06-30', 2),
    ('1-202', 'Brook 100% Care', 'voluntary', 'councils'' returns', [], [], '', NULL, [],
     1, ['E08000009'], ['care-home', 'homecare'], '2024-04-01', '2024-06-30', 2),
    ('1-101', 'Acme Care Ltd', 'private', 'CQC register as at 2024-03-31, import i1', ['Acme Care', 'Homecare Partners'],
     ['cqc_provider:1-101', 'companies_house:GB-COH-01234567'], 'Good', '2024-02-01',
     ['2022-05-01 Requires improvement', '2024-02-01 Good'],
     2, ['E08000009', 'E08000010'], ['homecare'], '2024-04-01', '2024-09-30', 5);

-- The later submission carries rows of several councils (no council) and
-- every row of the release; the earlier one was wholly replaced.
INSERT INTO submissions VALUES
    ('2024-10-01T093000Z-c2d4', NULL, '2024-10-01 09:30:00.123456', 12, 10),
    ('2024-07-01T080000Z-7f3a', 'E08000009', '2024-07-01 08:00:00', 4, 0);

-- Ten observations, named r1 to r10 in reader_test.go: r4 is Trafford's
-- council-wide figure (provider_id ''), r5 a suppressed [c] cell, r10 a
-- revised figure.
INSERT INTO observations VALUES
    ('E08000009', '1-101', 'Acme Care Ltd', 'private', 'homecare', 'hc-visits-on-time', '2024-25-Q1', 90, 100, 90, NULL, '2024-04-01', '2024-06-30', '', '2024-10-01T093000Z-c2d4', 2, '2024-10-01 09:30:00.123456'),
    ('E08000009', '1-202', 'Brook 100% Care', 'voluntary', 'homecare', 'hc-visits-on-time', '2024-25-Q1', 80, 100, 80, NULL, '2024-04-01', '2024-06-30', '', '2024-10-01T093000Z-c2d4', 3, '2024-10-01 09:30:00.123456'),
    ('E08000010', '1-101', 'Acme Care', 'private', 'homecare', 'hc-visits-on-time', '2024-25-Q1', 70, 100, 70, 'Two rounds short-staffed.', '2024-04-01', '2024-06-30', '', '2024-10-01T093000Z-c2d4', 4, '2024-10-01 09:30:00.123456'),
    ('E08000009', '', '', '', 'homecare', 'hc-visits-on-time', '2024-25-Q1', 170, 200, 85, NULL, '2024-04-01', '2024-06-30', '', '2024-10-01T093000Z-c2d4', 5, '2024-10-01 09:30:00.123456'),
    ('E10000003', 'SC0303', 'Cedar_House', 'private', 'homecare', 'hc-visits-on-time', '2024-25-Q1', NULL, NULL, NULL, NULL, '2024-04-01', '2024-06-30', 'c', '2024-10-01T093000Z-c2d4', 6, '2024-10-01 09:30:00.123456'),
    ('E08000009', '1-101', 'Acme Care Ltd', 'private', 'homecare', 'hc-visits-on-time', '2024-25-Q2', 95, 100, 95, NULL, '2024-07-01', '2024-09-30', '', '2024-10-01T093000Z-c2d4', 7, '2024-10-01 09:30:00.123456'),
    ('E08000010', '1-101', 'Acme Care', 'private', 'homecare', 'hc-visits-on-time', '2024-25-Q2', 60, 100, 60, NULL, '2024-07-01', '2024-09-30', '', '2024-10-01T093000Z-c2d4', 8, '2024-10-01 09:30:00.123456'),
    ('E08000009', '1-202', 'Brook 100% Care', 'voluntary', 'care-home', 'staff-turnover', '2024-25-Q1', 5, 40, 12.5, NULL, '2024-04-01', '2024-06-30', '', '2024-10-01T093000Z-c2d4', 9, '2024-10-01 09:30:00.123456'),
    ('E10000003', 'SC0303', 'Cedar_House', 'private', 'care-home', 'staff-turnover', '2024-25-Q1', 10, 50, 20, NULL, '2024-04-01', '2024-06-30', '', '2024-10-01T093000Z-c2d4', 10, '2024-10-01 09:30:00.123456'),
    ('E08000010', '1-101', 'Acme Care', 'private', 'homecare', 'staff-turnover', '2024-25-Q2', 10, 40, 25, NULL, '2024-07-01', '2024-09-30', 'r', '2024-10-01T093000Z-c2d4', 11, '2024-10-01 09:30:00.123456');

-- The same ten rows with statistics, inserted out of key order. Columns:
-- metric, period, council_code, provider_id, provider_name, service, value,
-- numerator, denominator, status, ci95_lower, ci95_upper, ci998_lower,
-- ci998_upper, national_value, national_median, national_q1, national_q3,
-- national_n, percentile_rank, z_score, band_national, band_national_95,
-- band_national_adjusted, band_region, band_council_type, band_similar,
-- change_prev, change_year.
INSERT INTO comparisons (metric, period, council_code, provider_id, provider_name, service, value, numerator, denominator,
    status, ci95_lower, ci95_upper, ci998_lower, ci998_upper, national_value, national_median, national_q1, national_q3,
    national_n, percentile_rank, z_score, band_national, band_national_95, band_national_adjusted, band_region,
    band_council_type, band_similar, change_prev, change_year) VALUES
    -- r10
    ('staff-turnover', '2024-25-Q2', 'E08000010', '1-101', 'Acme Care', 'homecare', 25, 10, 40, 'r',
     14.2, 40.2, 9.7, 50.0, 25, 25, 25, 25, 1, NULL, 0.0, 'similar', 'similar', 'similar', 'similar', 'similar', 'similar', NULL, NULL),
    -- r1
    ('hc-visits-on-time', '2024-25-Q1', 'E08000009', '1-101', 'Acme Care Ltd', 'homecare', 90, 90, 100, '',
     82.6, 94.5, 77.8, 96.0, 80, 80, 75, 85, 3, 100, 2.5, 'similar', 'better', 'similar', 'better', 'similar', 'similar', NULL, 4.0),
    -- r5
    ('hc-visits-on-time', '2024-25-Q1', 'E10000003', 'SC0303', 'Cedar_House', 'homecare', NULL, NULL, NULL, 'c',
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     'not_compared', 'not_compared', 'not_compared', 'not_compared', 'not_compared', 'not_compared', NULL, NULL),
    -- r2
    ('hc-visits-on-time', '2024-25-Q1', 'E08000009', '1-202', 'Brook 100% Care', 'homecare', 80, 80, 100, '',
     71.1, 86.7, 65.9, 89.6, 80, 80, 75, 85, 3, 50, 0.0, 'similar', 'similar', 'similar', 'similar', 'similar', 'similar', NULL, NULL),
    -- r7
    ('hc-visits-on-time', '2024-25-Q2', 'E08000010', '1-101', 'Acme Care', 'homecare', 60, 60, 100, '',
     50.2, 69.0, 44.6, 73.8, 77.5, 77.5, 68.75, 86.25, 2, 0, -3.4, 'worse', 'worse', 'similar', 'worse', 'worse', 'worse', -10.0, NULL),
    -- r4
    ('hc-visits-on-time', '2024-25-Q1', 'E08000009', '', '', 'homecare', 85, 170, 200, '',
     79.4, 89.2, 75.6, 91.3, 85, 85, 85, 85, 1, NULL, 0.0, 'similar', 'similar', 'similar', 'similar', 'similar', 'similar', NULL, NULL),
    -- r3
    ('hc-visits-on-time', '2024-25-Q1', 'E08000010', '1-101', 'Acme Care', 'homecare', 70, 70, 100, '',
     60.4, 78.1, 55.2, 82.0, 80, 80, 75, 85, 3, 0, -2.5, 'worse', 'worse', 'similar', 'worse', 'worse', 'worse', NULL, -6.0),
    -- r9
    ('staff-turnover', '2024-25-Q1', 'E10000003', 'SC0303', 'Cedar_House', 'care-home', 20, 10, 50, '',
     11.2, 33.0, 8.0, 40.4, 16.7, 16.25, 14.375, 18.125, 2, 0, 0.6, 'worse', 'similar', 'similar', 'worse', 'worse', 'worse', NULL, NULL),
    -- r6
    ('hc-visits-on-time', '2024-25-Q2', 'E08000009', '1-101', 'Acme Care Ltd', 'homecare', 95, 95, 100, '',
     88.8, 97.8, 84.7, 98.6, 77.5, 77.5, 68.75, 86.25, 2, 100, 3.4, 'better', 'better', 'similar', 'better', 'better', 'better', 5.0, NULL),
    -- r8
    ('staff-turnover', '2024-25-Q1', 'E08000009', '1-202', 'Brook 100% Care', 'care-home', 12.5, 5, 40, '',
     5.5, 26.1, 3.0, 35.2, 16.7, 16.25, 14.375, 18.125, 2, 100, -0.8, 'similar', 'similar', 'similar', 'similar', 'similar', 'similar', NULL, NULL);

-- Benchmarks b1 to b5 of reader_test.go, inserted out of order.
INSERT INTO benchmarks VALUES
    -- b3
    ('hc-visits-on-time', '2024-25-Q2', 'homecare', 'provider', 'proportion', 'higher_is_better', 100,
     77.5, 2, 2, 1, 2, 155, 200, 77.5, 77.5, 68.75, 86.25, 63.5, 91.5, 0.775, 2, 11.6, 0.012),
    -- b1
    ('hc-visits-on-time', '2024-25-Q1', 'homecare', 'provider', 'proportion', 'higher_is_better', 100,
     80, 3, 2, 2, 3, 240, 300, 80, 80, 75, 85, 72, 88, 0.8, 3, 4.17, 0.0021),
    -- b2
    ('hc-visits-on-time', '2024-25-Q1', 'homecare', 'council', 'proportion', 'higher_is_better', 100,
     85, 1, 1, 0, 1, 170, 200, 85, 85, 85, 85, 85, 85, 0.85, 1, NULL, NULL),
    -- b4
    ('staff-turnover', '2024-25-Q1', 'care-home', 'provider', 'proportion', 'lower_is_better', 100,
     16.7, 2, 2, 2, 2, 15, 90, 16.25, 16.25, 14.375, 18.125, 13.25, 19.25, 0.166667, 2, 0.5, 0),
    -- b5
    ('staff-turnover', '2024-25-Q2', 'homecare', 'provider', 'proportion', 'lower_is_better', 100,
     25, 1, 1, 1, 1, 10, 40, 25, 25, 25, 25, 25, 25, 0.25, 1, NULL, NULL);

-- Funnel points f1 to f5 of reader_test.go, inserted out of order.
INSERT INTO funnel_limits VALUES
    ('hc-visits-on-time', '2024-25-Q1', 'homecare', 'provider', 200, 80, 74.5, 85.5, 71.3, 88.7, 62.0, 98.0), -- f2
    ('hc-visits-on-time', '2024-25-Q1', 'homecare', 'provider', 100, 80, 72.2, 87.8, 67.6, 92.4, 60.1, 99.9), -- f1
    ('hc-visits-on-time', '2024-25-Q1', 'homecare', 'council', 200, 85, 80.1, 89.9, 77.2, 92.8, 77.2, 92.8), -- f3
    ('hc-visits-on-time', '2024-25-Q2', 'homecare', 'provider', 100, 77.5, 69.3, 85.7, 64.6, 90.4, 50.0, 100), -- f4
    ('staff-turnover', '2024-25-Q1', 'care-home', 'provider', 40, 16.7, 5.1, 28.2, 0, 34.9, 0, 34.9); -- f5

-- Provider profiles p1 to p5 of reader_test.go, inserted out of order.
INSERT INTO provider_profile VALUES
    -- p3
    ('1-101', 'Acme Care Ltd', 'private', 'staff-turnover', '2024-25-Q2', 'homecare', 1, 1, 10, 40, 25,
     14.2, 40.2, 9.7, 50.0, 25, 0.0, 'similar', 'similar', 25, 25, 25, 25, 25, NULL),
    -- p1
    ('1-101', 'Acme Care Ltd', 'private', 'hc-visits-on-time', '2024-25-Q1', 'homecare', 2, 2, 160, 200, 80,
     73.9, 85.0, 70.0, 87.6, 80, 0.0, 'similar', 'similar', 70, 75, 80, 85, 90, 14.1421),
    -- p2
    ('1-101', 'Acme Care Ltd', 'private', 'hc-visits-on-time', '2024-25-Q2', 'homecare', 2, 2, 155, 200, 77.5,
     71.2, 82.7, 67.5, 85.6, 77.5, 0.0, 'similar', 'similar', 60, 68.75, 77.5, 86.25, 95, 24.7487),
    -- p4
    ('1-202', 'Brook 100% Care', 'voluntary', 'hc-visits-on-time', '2024-25-Q1', 'homecare', 1, 1, 80, 100, 80,
     71.1, 86.7, 65.9, 89.6, 80, 0.0, 'similar', 'similar', 80, 80, 80, 80, 80, NULL),
    -- p5
    ('SC0303', 'Cedar_House', 'private', 'hc-visits-on-time', '2024-25-Q1', 'homecare', 1, 0, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, NULL, NULL, 'not_compared', 'not_compared', NULL, NULL, NULL, NULL, NULL, NULL);

-- Changes from the previous release: one revised, one added, two
-- withdrawn (inserted out of key order) and one newly withheld.
INSERT INTO changes VALUES
    ('staff-turnover', '2024-25-Q2', 'E08000010', '1-101', 'homecare', 'revised', 22.5, 9, 40, '', 25, 10, 40, 'r'),
    ('hc-visits-on-time', '2024-25-Q2', 'E08000009', '1-101', 'homecare', 'added', NULL, NULL, NULL, NULL, 95, 95, 100, ''),
    ('staff-turnover', '2024-25-Q1', 'E08000010', '', 'care-home', 'withdrawn', 30, NULL, NULL, '', NULL, NULL, NULL, NULL),
    ('hc-visits-on-time', '2024-25-Q2', 'E10000003', 'SC0303', 'homecare', 'withdrawn', 50, 5, 10, '', NULL, NULL, NULL, NULL),
    ('hc-visits-on-time', '2024-25-Q1', 'E10000003', 'SC0303', 'homecare', 'withheld', 60, 6, 10, '', NULL, NULL, NULL, 'c');
