package bench

import (
	"bufio"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// peerQueryMode is the child mode that runs the comparison query alone.
const peerQueryMode = "duckdb-comparisons"

// publishChild runs the publish benchmark's child modes and reports
// whether mode was one of them. TestMain calls it.
func publishChild(mode string, args []string) (bool, error) {
	if mode != peerQueryMode {
		return false, nil
	}
	if len(args) != 3 {
		return true, fmt.Errorf("%s: want a data folder, a release database and a memory limit (\"\" for DuckDB's default), got %q", mode, args)
	}
	n, err := comparisonQuery(args[0], args[1], args[2])
	if err != nil {
		return true, err
	}
	fmt.Println(n)
	return true, nil
}

// peerReference copies the small reference tables the comparisons join
// (a few hundred rows each) from a release's yardstick.duckdb, so that the
// peer compares against the same metrics, regions, council types, similar
// councils and period links as the release.
const peerReference = `
CREATE TEMP TABLE metrics AS SELECT id, kind, polarity, multiplier FROM rel.metrics;
CREATE TEMP TABLE councils AS SELECT council_code, region, council_type FROM rel.councils;
CREATE TEMP TABLE similar_councils AS SELECT council_code, similar_code FROM rel.similar_councils;
CREATE TEMP TABLE period_links AS SELECT period, previous, year_earlier FROM rel.period_links;
`

// peerMacros are the interval, funnel and band formulas (as in
// publish/duckdb/queries/macro_*.sql), and the exact Poisson limits for 0
// to 9 events that publish computes in Go (publish/duckdb/stats.go),
// written out so that the peer is DuckDB alone.
const peerMacros = `
CREATE TEMP MACRO wilson(x, n, z, sign) AS
    CASE WHEN n > 0 AND x >= 0 AND x <= n
         THEN (2 * x + z * z + sign * z * sqrt(z * z + 4 * x * (1 - x / n))) / (2 * (n + z * z)) END;
CREATE TEMP MACRO byar_lower(o, z) AS
    CASE WHEN o = 0 THEN 0.0 WHEN o > 0 THEN greatest(0.0, o * power(1 - 1 / (9 * o) - z / (3 * sqrt(o)), 3)) END;
CREATE TEMP MACRO byar_upper(o, z) AS
    CASE WHEN o >= 0 THEN (o + 1) * power(1 - 1 / (9 * (o + 1)) + z / (3 * sqrt(o + 1)), 3) END;
CREATE TEMP TABLE poisson_exact AS SELECT * FROM (VALUES
    (0, 0.0, 3.6888794541139363, 0.0, 6.9077552789821371),
    (1, 0.025317807984289875, 5.5716433909388986, 0.0010005003335835335, 9.2334134764515857),
    (2, 0.2422092785439649, 7.2246876677239608, 0.045402017769489557, 11.228872242412663),
    (3, 0.61867212289560129, 8.767273069742326, 0.19053337756840319, 13.062240779188071),
    (4, 1.0898653736263249, 10.241588675403698, 0.42855241362842297, 14.794149222537209),
    (5, 1.6234863901184205, 11.66833207932267, 0.73937173191783252, 16.454745203680107),
    (6, 2.2018942534908508, 13.059474022518685, 1.1071046602556393, 18.06163684019907),
    (7, 2.8143630515198661, 14.422675361702379, 1.5203362603988091, 19.626177395384238),
    (8, 3.4538321767485013, 15.763189220193315, 1.9708139217403658, 21.156198165839983),
    (9, 4.1153730973783324, 17.08480345141917, 2.4524244043637749, 22.657373309062931)
) t(events, lower95, upper95, lower998, upper998);
CREATE TEMP MACRO poisson_lower(o, z, exact) AS
    CASE WHEN o >= 0 AND o < 10 THEN exact WHEN o >= 10 THEN byar_lower(o, z) END;
CREATE TEMP MACRO poisson_upper(o, z, exact) AS
    CASE WHEN o >= 0 AND o < 10 THEN exact WHEN o >= 10 THEN byar_upper(o, z) END;
CREATE TEMP MACRO funnel_se(kind, t, n) AS
    CASE WHEN n > 0 AND kind = 'proportion' THEN sqrt(t * (1 - t) / n)
         WHEN n > 0 AND kind = 'rate' THEN sqrt(t / n) END;
CREATE TEMP MACRO funnel_z(kind, x, n, t, tau2) AS
    CASE WHEN funnel_se(kind, t, n) > 0
         THEN (x / n - t) / sqrt(power(funnel_se(kind, t, n), 2) + coalesce(tau2, 0)) END;
CREATE TEMP MACRO band_of(direction, polarity) AS
    CASE WHEN direction IS NULL THEN 'not_compared'
         WHEN direction > 0 THEN CASE polarity WHEN 'higher_is_better' THEN 'better'
                                               WHEN 'lower_is_better' THEN 'worse' ELSE 'higher' END
         WHEN direction < 0 THEN CASE polarity WHEN 'higher_is_better' THEN 'worse'
                                               WHEN 'lower_is_better' THEN 'better' ELSE 'lower' END
         ELSE 'similar' END;
CREATE TEMP MACRO band(z, polarity) AS
    band_of(CASE WHEN z IS NULL OR isnan(z) THEN NULL WHEN z > 3.090232306167813 THEN 1
                 WHEN z < -3.090232306167813 THEN -1 ELSE 0 END, polarity);
CREATE TEMP MACRO interval_band(lo, hi, b, polarity) AS
    band_of(CASE WHEN lo IS NULL OR hi IS NULL OR b IS NULL THEN NULL WHEN lo > b THEN 1
                 WHEN hi < b THEN -1 ELSE 0 END, polarity);
`

// peerComparisons is the comparison query: one statement that reads the
// warehouse Parquet, keeps each council, period and service's latest
// submission, and computes the columns of data/comparisons with the same
// definitions as publish/duckdb (comparison_rows.sql, benchmarks.sql,
// comparisons.sql): pooled national value, distribution, over-dispersion,
// mid-rank percentile rank, Wilson, exact Poisson and Byar intervals,
// z-scores, the six bands (PHE's rule on the intervals, the adjusted
// funnel) and the two changes, per metric x period x service x level, with
// the minimum group size of 5. It leaves out what publish adds around that
// core: disclosure control and its audit, funnel limits, provider
// profiles, rounding to six figures, exports, CSV, revisions, checksums.
// %s is the warehouse glob.
const peerComparisons = `
CREATE TABLE comparisons AS
WITH raw AS MATERIALIZED (
    SELECT council_code, coalesce(provider_id, '') AS provider_id, provider_name, service, metric, period,
           numerator, denominator, value, coalesce(status, '') AS status, submission_id, received_at
    FROM read_parquet('%s', hive_partitioning = false)
),
latest AS (
    SELECT council_code, period, service, arg_max(submission_id, (received_at, submission_id)) AS submission_id
    FROM raw
    GROUP BY ALL
),
base AS (
    SELECT o.*, CASE WHEN o.provider_id = '' THEN 'council' ELSE 'provider' END AS level,
           m.kind, m.polarity, m.multiplier, c.region, c.council_type,
           CASE WHEN o.status IN ('c', 'x', 'z') THEN NULL
                WHEN o.value IS NOT NULL THEN o.value
                WHEN m.kind IN ('proportion', 'rate') AND o.denominator > 0
                    THEN o.numerator / o.denominator * m.multiplier END AS v
    FROM raw o
    SEMI JOIN latest USING (council_code, period, service, submission_id)
    JOIN metrics m ON m.id = o.metric
    LEFT JOIN councils c USING (council_code)
),
r AS MATERIALIZED (
    SELECT *,
           CASE WHEN v IS NOT NULL AND numerator >= 0 AND denominator > 0
                     AND (kind = 'rate' OR (kind = 'proportion' AND numerator <= denominator))
                THEN numerator END AS x,
           CASE WHEN v IS NOT NULL AND numerator >= 0 AND denominator > 0
                     AND (kind = 'rate' OR (kind = 'proportion' AND numerator <= denominator))
                THEN denominator END AS n
    FROM base
),
national AS MATERIALIZED (
    SELECT metric, period, service, level,
           count(v) AS national_n,
           CASE WHEN any_value(kind) IN ('proportion', 'rate') AND sum(n) > 0 THEN sum(x) / sum(n) END AS target,
           sum(v::DECIMAL(38, 12))::DOUBLE / nullif(count(v), 0) AS mean_value,
           CASE WHEN count(v) >= 5 THEN quantile_cont(v, 0.5) END AS median,
           CASE WHEN count(v) >= 5 THEN quantile_cont(v, 0.25) END AS q1,
           CASE WHEN count(v) >= 5 THEN quantile_cont(v, 0.75) END AS q3,
           CASE WHEN count(v) >= 5 THEN quantile_cont(v, 0.1) END AS p10,
           CASE WHEN count(v) >= 5 THEN quantile_cont(v, 0.9) END AS p90
    FROM r
    GROUP BY ALL
),
z AS MATERIALIZED (
    SELECT metric, period, service, level,
           funnel_se(r.kind, t.target, r.n) AS se, funnel_z(r.kind, r.x, r.n, t.target, 0) AS z
    FROM r JOIN national t USING (metric, period, service, level)
    WHERE funnel_se(r.kind, t.target, r.n) > 0
),
dispersion AS (
    SELECT metric, period, service, level, count(*) AS n_z,
           avg(power(least(greatest(z, z10), z90), 2)) AS phi,
           sum(1 / power(se, 2)) AS sum_w, sum(1 / power(se, 4)) AS sum_w2
    FROM z
    JOIN (SELECT metric, period, service, level, quantile_cont(z, 0.1) AS z10, quantile_cont(z, 0.9) AS z90
          FROM z GROUP BY ALL) USING (metric, period, service, level)
    GROUP BY ALL
),
benchmarks AS (
    SELECT t.*, coalesce(t.target * m.multiplier, t.mean_value) AS national_value,
           CASE WHEN d.n_z IS NULL THEN NULL
                WHEN d.n_z * d.phi > d.n_z - 1 AND d.sum_w - d.sum_w2 / d.sum_w > 0
                    THEN (d.n_z * d.phi - (d.n_z - 1)) / (d.sum_w - d.sum_w2 / d.sum_w)
                ELSE 0.0 END AS tau2
    FROM national t
    JOIN metrics m ON m.id = t.metric
    LEFT JOIN dispersion d USING (metric, period, service, level)
),
council_pool AS MATERIALIZED (
    SELECT council_code, metric, period, service, level,
           any_value(region) AS region, any_value(council_type) AS council_type, sum(x) AS x, sum(n) AS n
    FROM r
    GROUP BY ALL
),
region_pool AS (
    SELECT metric, period, service, level, region, sum(x) / nullif(sum(n), 0) AS target
    FROM council_pool WHERE region IS NOT NULL GROUP BY ALL
),
type_pool AS (
    SELECT metric, period, service, level, council_type, sum(x) / nullif(sum(n), 0) AS target
    FROM council_pool WHERE council_type IS NOT NULL GROUP BY ALL
),
similar_pool AS (
    SELECT s.council_code, p.metric, p.period, p.service, p.level, sum(p.x) / nullif(sum(p.n), 0) AS target
    FROM similar_councils s JOIN council_pool p ON p.council_code = s.similar_code
    GROUP BY ALL
),
ranked AS (
    SELECT *, rank() OVER w AS rank_low, count(*) OVER w AS rank_high
    FROM r
    WINDOW w AS (PARTITION BY metric, period, service, level, v IS NULL
                 ORDER BY CASE WHEN polarity = 'lower_is_better' THEN -v ELSE v END)
),
scored AS (
    SELECT k.*, b.national_n >= 5 AND k.kind IN ('proportion', 'rate') AS bandable,
           CASE WHEN k.v IS NOT NULL AND b.national_n >= 5
                THEN 100 * (k.rank_low + k.rank_high - 2) / (2 * (b.national_n - 1)) END AS percentile_rank,
           b.national_value, b.median, b.q1, b.q3, b.national_n,
           funnel_z(k.kind, k.x, k.n, b.target, 0) AS z_national,
           funnel_z(k.kind, k.x, k.n, b.target, b.tau2) AS z_adjusted,
           rp.target * k.multiplier AS region_value, tp.target * k.multiplier AS type_value,
           sp.target * k.multiplier AS similar_value,
           CASE WHEN k.kind = 'rate' THEN k.x
                WHEN k.kind = 'count' AND k.v >= 0 AND k.v = floor(k.v) THEN k.v END AS events,
           prev.v AS prev_value, yago.v AS year_value
    FROM ranked k
    JOIN benchmarks b USING (metric, period, service, level)
    LEFT JOIN region_pool rp USING (metric, period, service, level, region)
    LEFT JOIN type_pool tp USING (metric, period, service, level, council_type)
    LEFT JOIN similar_pool sp USING (council_code, metric, period, service, level)
    LEFT JOIN period_links pl ON pl.period = k.period
    LEFT JOIN r prev ON prev.metric = k.metric AND prev.period = pl.previous AND prev.council_code = k.council_code
                    AND prev.provider_id = k.provider_id AND prev.service = k.service
    LEFT JOIN r yago ON yago.metric = k.metric AND yago.period = pl.year_earlier AND yago.council_code = k.council_code
                    AND yago.provider_id = k.provider_id AND yago.service = k.service
),
intervals AS (
    SELECT s.*,
           CASE s.kind WHEN 'proportion' THEN wilson(s.x, s.n, 1.959963984540054, -1) * s.multiplier
                       WHEN 'rate' THEN poisson_lower(s.events, 1.959963984540054, e.lower95) / s.n * s.multiplier
                       WHEN 'count' THEN poisson_lower(s.events, 1.959963984540054, e.lower95) END AS ci95_lower,
           CASE s.kind WHEN 'proportion' THEN wilson(s.x, s.n, 1.959963984540054, 1) * s.multiplier
                       WHEN 'rate' THEN poisson_upper(s.events, 1.959963984540054, e.upper95) / s.n * s.multiplier
                       WHEN 'count' THEN poisson_upper(s.events, 1.959963984540054, e.upper95) END AS ci95_upper,
           CASE s.kind WHEN 'proportion' THEN wilson(s.x, s.n, 3.090232306167813, -1) * s.multiplier
                       WHEN 'rate' THEN poisson_lower(s.events, 3.090232306167813, e.lower998) / s.n * s.multiplier
                       WHEN 'count' THEN poisson_lower(s.events, 3.090232306167813, e.lower998) END AS ci998_lower,
           CASE s.kind WHEN 'proportion' THEN wilson(s.x, s.n, 3.090232306167813, 1) * s.multiplier
                       WHEN 'rate' THEN poisson_upper(s.events, 3.090232306167813, e.upper998) / s.n * s.multiplier
                       WHEN 'count' THEN poisson_upper(s.events, 3.090232306167813, e.upper998) END AS ci998_upper
    FROM scored s
    LEFT JOIN poisson_exact e ON e.events = s.events
),
banded AS (
    SELECT *, CASE WHEN bandable THEN interval_band(ci998_lower, ci998_upper, national_value, polarity)
                   ELSE 'not_compared' END AS band_national
    FROM intervals
)
SELECT metric, period, council_code, provider_id, provider_name, service,
       v AS value, numerator, denominator, status,
       ci95_lower, ci95_upper, ci998_lower, ci998_upper,
       national_value, median AS national_median, q1 AS national_q1, q3 AS national_q3, national_n,
       percentile_rank, z_national AS z_score,
       band_national,
       CASE WHEN bandable THEN interval_band(ci95_lower, ci95_upper, national_value, polarity)
            ELSE 'not_compared' END AS band_national_95,
       CASE WHEN band_national IN ('similar', 'not_compared') THEN band_national
            ELSE band(z_adjusted, polarity) END AS band_national_adjusted,
       CASE WHEN bandable THEN interval_band(ci998_lower, ci998_upper, region_value, polarity)
            ELSE 'not_compared' END AS band_region,
       CASE WHEN bandable THEN interval_band(ci998_lower, ci998_upper, type_value, polarity)
            ELSE 'not_compared' END AS band_council_type,
       CASE WHEN bandable THEN interval_band(ci998_lower, ci998_upper, similar_value, polarity)
            ELSE 'not_compared' END AS band_similar,
       v - prev_value AS change_prev, v - year_value AS change_year
FROM banded
`

// comparisonQuery is the peer: an in-memory DuckDB computing the
// comparisons straight from the warehouse Parquet of dataDir, with the
// reference tables of the release database releaseDB. Under memoryLimit
// (DuckDB's size, "" for its default) it spills, as publish does, to a
// scratch folder beside dataDir. It returns how many comparison rows it
// made.
func comparisonQuery(dataDir, releaseDB, memoryLimit string) (int64, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	// One connection, which holds the temporary tables and macros.
	db.SetMaxOpenConns(1)
	// The paths are the benchmark's own temporary files; ATTACH and
	// read_parquet's glob take no parameters here, nor SET.
	glob := filepath.Join(dataDir, "warehouse", "observations", "**", "*.parquet")
	var steps []string
	if memoryLimit != "" {
		scratch, err := os.MkdirTemp(filepath.Dir(dataDir), "peer-spill-")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(scratch)
		steps = append(steps, fmt.Sprintf("SET memory_limit = '%s'", memoryLimit), fmt.Sprintf("SET temp_directory = '%s'", scratch))
	}
	steps = append(steps,
		fmt.Sprintf("ATTACH '%s' AS rel (READ_ONLY)", releaseDB),
		peerReference,
		"DETACH rel",
		peerMacros,
		fmt.Sprintf(peerComparisons, glob),
	)
	for _, q := range steps {
		if _, err := db.Exec(q); err != nil {
			return 0, fmt.Errorf("comparison query: %w", err)
		}
	}
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM comparisons").Scan(&n); err != nil {
		return 0, fmt.Errorf("comparison query: %w", err)
	}
	return n, nil
}

// stamped is a line of a child's output and when, after the child
// started, it was written.
type stamped struct {
	at   time.Duration
	line string
}

// runStamped runs cmd as runChild does, and also returns each line of its
// output, standard output and standard error together (publish writes
// its progress to standard error), with the time it appeared, for a
// step-by-step account.
func runStamped(b *testing.B, cmd *exec.Cmd) (measured, []stamped) {
	b.Helper()
	m, lines, err := tryStamped(cmd)
	if err != nil {
		for _, l := range lines {
			b.Log(l.line)
		}
		b.Fatal(err)
	}
	return m, lines
}

// tryStamped runs cmd as runStamped does, but where cmd fails it returns
// the error, the lines cmd wrote before failing and how long it ran and
// how much memory it held, rather than ending the benchmark.
func tryStamped(cmd *exec.Cmd) (measured, []stamped, error) {
	out, w, err := os.Pipe()
	if err != nil {
		return measured{}, nil, fmt.Errorf("pipe for %s: %w", cmd, err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	start := time.Now()
	err = cmd.Start()
	w.Close() // the child holds its own copy
	if err != nil {
		out.Close()
		return measured{}, nil, fmt.Errorf("%s: %w", cmd, err)
	}
	var lines []stamped
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		lines = append(lines, stamped{time.Since(start), sc.Text()})
	}
	out.Close()
	err = cmd.Wait()
	m := measured{wall: time.Since(start)}
	// The process state is there when the child ran and exited, with an
	// error or not: a child that ran out of memory held the most.
	if cmd.ProcessState != nil {
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		m.peakMB = float64(ru.Maxrss) / 1024
	}
	if err != nil {
		return m, lines, fmt.Errorf("%s: %w", cmd, err)
	}
	return m, lines, nil
}

// peerRows checks the comparison query's output: one line, the number of
// comparisons it made, which must be the number of rows published.
func peerRows(out []stamped, rows int) error {
	if len(out) != 1 {
		return fmt.Errorf("comparison query printed %d lines, want the row count", len(out))
	}
	n, err := strconv.ParseInt(strings.TrimSpace(out[0].line), 10, 64)
	if err != nil || n != int64(rows) {
		return fmt.Errorf("comparison query made %q rows, want %d", out[0].line, rows)
	}
	return nil
}

// pagesRate reads the pages a second from publish's line for the website,
// and siteSize the megabytes it wrote.
var (
	pagesRate = regexp.MustCompile(`([0-9.]+) pages a second`)
	siteSize  = regexp.MustCompile(`files, ([0-9.]+) MB\)`)
)

// disclosureStep matches publish's log line for a finished step of
// disclosure control (duckdb.BuildInput.Logf), such as "disclosure
// control: suppression in 1.9s", and takes its time.
var disclosureStep = regexp.MustCompile(`^disclosure control: .* in ([0-9.]+)s$`)

// disclosureTime adds up the times publish's log gives its disclosure
// control steps: reading what earlier releases published, suppression,
// recording the history, checking the tables and the interval audit. The
// log rounds each to a tenth of a second.
func disclosureTime(lines []stamped) (time.Duration, int) {
	var total time.Duration
	n := 0
	for _, l := range lines {
		m := disclosureStep.FindStringSubmatch(strings.TrimSpace(l.line))
		if m == nil {
			continue
		}
		secs, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			continue
		}
		total += time.Duration(secs * float64(time.Second))
		n++
	}
	return total, n
}

// dirBytes is the size of every file under dir.
func dirBytes(b *testing.B, dir string) int64 {
	b.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// downloadBytes is the size of a release's downloads: its data files
// (data/), yardstick.duckdb and the release's own files (release.json,
// datapackage.json, SHA256SUMS); the rest of the folder is the website.
func downloadBytes(b *testing.B, dir string) int64 {
	b.Helper()
	n := dirBytes(b, filepath.Join(dir, "data"))
	for _, name := range []string{schemas.DatabaseFile, schemas.ReleaseFile, schemas.PackageFile, schemas.ChecksumsFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

// BenchmarkPublish publishes a warehouse of -rows rows (a million unless
// given: the ingest benchmark's sample, ingested first and not timed) with `yardstick
// publish`, and runs the comparison query alone in DuckDB over the same
// Parquet: the statistical core of publish without disclosure control,
// exports, CSV, revisions or checksums. Target: publish (of the data
// files, --no-site) within 3x of the query's time. From publish's log it
// takes the time of the disclosure-control steps and reports publish's
// time against publish's time less theirs: issue 7's target is at most
// 1.5x. Then it publishes the
// same returns with the website, in a data folder of their own, and reports the site's pages a
// second and the whole publish against the one without the site. Targets
// (the website issue): 1,000 pages a second, and no more than 1.5x. With
// -site=false it reports the downloads' size instead. Every publish and
// the query run under -memory-limit when it is given. A query that fails
// is reported as failed, with its time and peak and no ratio, and
// publish's own figures and the website's are measured all the same.
func BenchmarkPublish(b *testing.B) {
	dir, csvPaths, bin, sum := prepare(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		// The first run publishes the warehouse the run shares (ingested
		// by BenchmarkIngest, or here, untimed); any later one a fresh
		// copy, so that no run has an earlier release to compare with.
		dataDir := ingested(b)
		if i > 0 {
			dataDir = filepath.Join(dir, fmt.Sprintf("publish%d", i))
			if out, err := ingestCommand(bin, dataDir, csvPaths).CombinedOutput(); err != nil {
				b.Fatalf("ingest: %v\n%s", err, out)
			}
		}
		b.StartTimer()
		// publish --timings records each SQL statement's time, the profile
		// printed below of where publish spends it.
		timings := filepath.Join(dir, fmt.Sprintf("timings%d.csv", i))
		cmd := publishCommand(bin, dataDir, false)
		cmd.Args = append(cmd.Args, "--timings", timings)
		ys, steps := runStamped(b, cmd)
		// The release just made supplies the peer's reference tables.
		releaseDB := filepath.Join(dataDir, "current", "yardstick.duckdb")
		peer := exec.Command(os.Args[0], dataDir, releaseDB, *memoryLimit)
		peer.Env = append(os.Environ(), childEnv+"="+peerQueryMode)
		// The peer can fail where publish does not: under 3GB at 5M rows
		// DuckDB has run out of memory in the comparison query ("failed to
		// pin block") in every run so far, where publish finished.
		// Publish's own figures and the website's are still worth the
		// run, so that failure is reported as the peer's and the
		// benchmark goes on. A peer that finishes with the wrong number of
		// rows is a fault in the benchmark or in publish, and ends it.
		q, out, peerErr := tryStamped(peer)
		if peerErr == nil {
			if err := peerRows(out, sum.Rows); err != nil {
				b.Fatal(err)
			}
		}
		rate := float64(sum.Rows) / ys.wall.Seconds()
		b.ReportMetric(ys.wall.Seconds(), "publish-s")
		b.ReportMetric(rate, "publish-rows/s")
		b.ReportMetric(ys.peakMB, "publish-peak-MB")
		fmt.Printf("\npublish of %d rows\n", sum.Rows)
		fmt.Printf("  yardstick publish:            %7.2fs %10.0f rows/s  peak %5.0f MB\n", ys.wall.Seconds(), rate, ys.peakMB)
		publishLine := scaleLine{
			what:   fmt.Sprintf("publish --no-site, %d rows", sum.Rows),
			figure: fmt.Sprintf("%.2f s, %.0f rows/s", ys.wall.Seconds(), rate),
			peak:   fmt.Sprintf("%.0f MB (< 4,000: %s)", ys.peakMB, verdict(ys.peakMB < 4000)),
		}
		if peerErr != nil {
			for _, l := range out {
				b.Log(l.line)
			}
			// The child's first line is its own message (TestMain prints
			// the error), which says why; the error says only how it
			// ended.
			why := peerErr.Error()
			if len(out) > 0 {
				why = out[0].line
			}
			fmt.Printf("  duckdb comparison query alone: FAILED after %.2fs, peak %.0f MB, so no ratio: %s\n", q.wall.Seconds(), q.peakMB, why)
			publishLine.peer = fmt.Sprintf("DuckDB comparison query alone: failed after %.2f s, peak %.0f MB (%s)", q.wall.Seconds(), q.peakMB, why)
			publishLine.ratio = "none (the peer failed)"
		} else {
			ratio := ys.wall.Seconds() / q.wall.Seconds()
			b.ReportMetric(q.wall.Seconds(), "query-s")
			b.ReportMetric(q.peakMB, "query-peak-MB")
			b.ReportMetric(ratio, "ratio")
			fmt.Printf("  duckdb comparison query alone: %6.2fs %10.0f rows/s  peak %5.0f MB\n",
				q.wall.Seconds(), float64(sum.Rows)/q.wall.Seconds(), q.peakMB)
			fmt.Printf("  ratio publish/query %.2f (target <= 3: %s; at national scale <= 2: %s)\n", ratio, verdict(ratio <= 3), verdict(ratio <= 2))
			publishLine.peer = fmt.Sprintf("DuckDB comparison query alone: %.2f s, peak %.0f MB", q.wall.Seconds(), q.peakMB)
			publishLine.ratio = fmt.Sprintf("%.2f (≤ 2: %s)", ratio, verdict(ratio <= 2))
		}
		// Build runs its steps one after another, so publish without the
		// disclosure-control steps takes publish's time less theirs.
		dc, dcSteps := disclosureTime(steps)
		if dcSteps == 0 {
			b.Fatalf("publish's log has no disclosure control steps (lines matching %s)", disclosureStep)
		}
		without := ys.wall - dc
		dcRatio := ys.wall.Seconds() / without.Seconds()
		b.ReportMetric(dc.Seconds(), "disclosure-s")
		b.ReportMetric(dcRatio, "disclosure-ratio")
		fmt.Printf("  disclosure control (%d steps in publish's log: history, suppression, checks, audit): %.2fs\n", dcSteps, dc.Seconds())
		fmt.Printf("  publish without those steps (they run one after another, so publish's time less theirs): %.2fs\n", without.Seconds())
		fmt.Printf("  ratio publish/publish without disclosure control %.2f (issue 7's target <= 1.5: %s)\n", dcRatio, verdict(dcRatio <= 1.5))
		fmt.Println("  publish steps (time until the next line of its output):")
		if len(steps) > 0 {
			fmt.Printf("    %6.2fs  (start-up)\n", steps[0].at.Seconds())
		}
		for j, s := range steps {
			next := ys.wall
			if j+1 < len(steps) {
				next = steps[j+1].at
			}
			fmt.Printf("    %6.2fs  %s\n", (next - s.at).Seconds(), s.line)
		}
		printTimings(b, timings, 12)

		report(publishLine)
		report(scaleLine{
			what:   "disclosure control's cost in publish --no-site",
			figure: fmt.Sprintf("%.2f s of %.2f s", dc.Seconds(), ys.wall.Seconds()),
			peer:   fmt.Sprintf("publish less those steps: %.2f s", without.Seconds()),
			ratio:  fmt.Sprintf("%.2f (≤ 1.5: %s)", dcRatio, verdict(dcRatio <= 1.5)),
			peak:   "–",
		})
		if !*withSite {
			// The release without the website still has its downloads.
			current, err := filepath.EvalSymlinks(filepath.Join(dataDir, "current"))
			if err != nil {
				b.Fatal(err)
			}
			downloadsMB, inputMB := float64(downloadBytes(b, current))/1e6, float64(inputBytes(b, csvPaths))/1e6
			b.ReportMetric(downloadsMB/inputMB, "downloads/input")
			fmt.Printf("  the downloads (no website: -site=false) %.0f MB from %.0f MB of returns: %.1f times the input (target <= 2: %s)\n",
				downloadsMB, inputMB, downloadsMB/inputMB, verdict(downloadsMB/inputMB <= 2))
			markPublished(dataDir)
			report(downloadsLine(downloadsMB, inputMB, "; no website"))
			continue
		}

		// The same returns with the website, published into a data
		// folder of their own: a second release in dataDir would read the
		// first's history, which changes disclosure control's work, so
		// the two would not be the same publish with and without the site.
		b.StopTimer()
		siteDir := filepath.Join(dir, fmt.Sprintf("site%d", i))
		if out, err := ingestCommand(bin, siteDir, csvPaths).CombinedOutput(); err != nil {
			b.Fatalf("ingest: %v\n%s", err, out)
		}
		b.StartTimer()
		withSite, siteSteps := runStamped(b, publishCommand(bin, siteDir, true))
		siteRatio := withSite.wall.Seconds() / ys.wall.Seconds()
		var siteLine string
		for _, st := range siteSteps {
			if strings.Contains(st.line, "wrote the website") {
				siteLine = strings.TrimSpace(st.line)
			}
		}
		pagesPerSecond, siteMB := 0.0, 0.0
		if m := pagesRate.FindStringSubmatch(siteLine); m != nil {
			pagesPerSecond, _ = strconv.ParseFloat(m[1], 64)
		}
		if m := siteSize.FindStringSubmatch(siteLine); m != nil {
			siteMB, _ = strconv.ParseFloat(m[1], 64)
		}
		// The release against the returns it was built from.
		current, err := filepath.EvalSymlinks(filepath.Join(siteDir, "current"))
		if err != nil {
			b.Fatal(err)
		}
		releaseMB, inputMB := float64(dirBytes(b, current))/1e6, float64(inputBytes(b, csvPaths))/1e6
		downloadsMB := float64(downloadBytes(b, current)) / 1e6
		websiteMB := releaseMB - downloadsMB
		b.ReportMetric(withSite.wall.Seconds(), "publish-with-site-s")
		b.ReportMetric(siteRatio, "site-ratio")
		b.ReportMetric(pagesPerSecond, "site-pages/s")
		b.ReportMetric(siteMB, "site-MB")
		b.ReportMetric(releaseMB/inputMB, "release/input")
		b.ReportMetric(downloadsMB/inputMB, "downloads/input")
		fmt.Printf("  yardstick publish with the website: %6.2fs  peak %5.0f MB\n", withSite.wall.Seconds(), withSite.peakMB)
		fmt.Printf("    %s\n", siteLine)
		fmt.Printf("  ratio with/without the website %.2f (target <= 1.5: %s); %.0f pages a second (target >= 1000: %s)\n",
			siteRatio, verdict(siteRatio <= 1.5), pagesPerSecond, verdict(pagesPerSecond >= 1000))
		fmt.Printf("  the release is %.0f MB from %.0f MB of returns: %.1f times its input (target <= 2: %s)\n",
			releaseMB, inputMB, releaseMB/inputMB, verdict(releaseMB/inputMB <= 2))
		fmt.Printf("    the downloads (data/, %s and the release's own files) %.0f MB: %.1f times the input (target <= 2: %s)\n",
			schemas.DatabaseFile, downloadsMB, downloadsMB/inputMB, verdict(downloadsMB/inputMB <= 2))
		fmt.Printf("    the website %.0f MB (%.0f MB by publish's log): %.1f times the input\n", websiteMB, siteMB, websiteMB/inputMB)
		markPublished(siteDir)
		report(scaleLine{
			what:   "the website's pages a second (publish with the site)",
			figure: fmt.Sprintf("%.0f pages/s (≥ 1,000: %s); %.2f s with the site", pagesPerSecond, verdict(pagesPerSecond >= 1000), withSite.wall.Seconds()),
			peer:   fmt.Sprintf("publish without the site: %.2f s", ys.wall.Seconds()),
			ratio:  fmt.Sprintf("%.2f with/without (≤ 1.5: %s)", siteRatio, verdict(siteRatio <= 1.5)),
			peak:   fmt.Sprintf("%.0f MB", withSite.peakMB),
		})
		report(scaleLine{
			what:   "release size, whole (downloads and website)",
			figure: fmt.Sprintf("%.0f MB (website %.0f MB)", releaseMB, websiteMB),
			peer:   fmt.Sprintf("the returns: %.0f MB", inputMB),
			ratio:  fmt.Sprintf("%.1f × the input (≤ 2: %s)", releaseMB/inputMB, verdict(releaseMB/inputMB <= 2)),
			peak:   "–",
		})
		report(downloadsLine(downloadsMB, inputMB, ""))
	}
}

// downloadsLine is the summary line of a release's downloads against the
// returns it was built from, with note added to what it measures.
func downloadsLine(downloadsMB, inputMB float64, note string) scaleLine {
	return scaleLine{
		what:   "release size, downloads (data/, yardstick.duckdb, release files" + note + ")",
		figure: fmt.Sprintf("%.0f MB", downloadsMB),
		peer:   fmt.Sprintf("the returns: %.0f MB", inputMB),
		ratio:  fmt.Sprintf("%.1f × the input (≤ 2: %s)", downloadsMB/inputMB, verdict(downloadsMB/inputMB <= 2)),
		peak:   "–",
	}
}

// TestDisclosureTime checks that the benchmark adds up exactly the
// disclosure-control lines of publish's log: 0.3 + 1.9 + 1.0 + 0.8 + 0.5
// + 0.0 = 4.5 s in six steps, leaving out the other steps and lines that
// only mention disclosure control.
func TestDisclosureTime(t *testing.T) {
	lines := []stamped{
		{line: "loaded observations: 303,710 rows from 3,162 files in 3.1s"},
		{line: "disclosure control: read what earlier releases published in 0.3s"},
		{line: "disclosure control: suppression in 1.9s"},
		{line: "built comparisons: 303,710 rows in 4.7s"},
		{line: "disclosure control: recorded the history in 1.0s"},
		{line: "disclosure control: checked the tables in 0.8s"},
		{line: "disclosure control: audited the intervals in 0.5s"},
		{line: "disclosure control: dropped its working tables in 0.0s"},
		{line: "writing data/disclosure-history.parquet"},
		{line: "build: disclosure control failed: 1 violation in 2.0s of work"},
	}
	got, n := disclosureTime(lines)
	if want := 4500 * time.Millisecond; n != 6 || got.Round(time.Millisecond) != want {
		t.Errorf("disclosureTime = %v in %d steps, want %v in 6", got, n, want)
	}
}

// printTimings prints the first n statements of publish --timings' CSV at
// path, the longest in all first: where publish's SQL spends its time.
// The exports run side by side, so the statements' seconds can add up to
// more than publish's.
func printTimings(b *testing.B, path string, n int) {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		b.Fatalf("%s: %v (%d rows)", path, err, len(recs))
	}
	fmt.Printf("  publish's SQL statements, the longest in all first (publish --timings; %d of %d):\n", min(n, len(recs)-1), len(recs)-1)
	for _, r := range recs[1:min(n+1, len(recs))] {
		fmt.Printf("    %8ss  %4s calls  longest %8ss  %s\n", r[2], r[1], r[3], r[0])
	}
}
