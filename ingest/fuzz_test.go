package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/yardstick-open/yardstick/schemas"
)

// fuzzSeeds are real-looking returns in the layouts councils send.
func fuzzSeeds() [][]byte {
	const canon = "council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n" +
		"E08000009,1-101234567,Acme Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,950,1000,95.0,\n" +
		"E08000009,1-101234567,Acme Care Ltd,private,homecare,hc-missed-visits,2024-25-Q1,0,1200,0,\n" +
		"E08000009,LOCAL-TRF-HC1,Trafford in-house,public,homecare,hc-continuity,2024-25-Q1,,,[c],\n" +
		"E08000009,1-101234567,Acme Care Ltd,private,homecare,staff-turnover,2024-25-Q1,3,40,7.5 [p],\n"
	semicolon := "LA code;Provider ID;Provider;Sector;Service;Measure;Quarter;Numerator;Denominator;Value;Notes\r\n" +
		"E08000002;1-101234567;Acme Care Ltd;private;homecare;hc-visits-on-time;Q1 2024/25;950;1000;95%;\r\n" +
		"Bury;1-101234567;Acme Care Ltd;private;homecare;hc-hours-delivered;Q1 2024/25;1,204;1,300;;\r\n"
	bom := "\xEF\xBB\xBFcouncil_code\tprovider_id\tprovider_name\tservice\tmetric\tperiod\tvalue\n" +
		"E06000001\t1-101234567\tAcme Care Ltd\thomecare\tprice-per-hour\tApr-Jun 2024\t£21.50\n" +
		"E06000001\t1-101234567\tAcme Care Ltd\thomecare\thc-visits-on-time\t2024/25 Q2\tNA\n"
	cp1252 := "Council,Provider ID,Provider,Service,Metric,Period,Value,Note\r\n" +
		"Trafford,1-101234567,Caf\xE9 Care \x96 North,homecare,price-per-hour,2024-25-Q1,\xA321.50,\x93agreed\x94 rate\r\n"
	preamble := "Trafford Council performance return,,,,,,,,,,\n" +
		"Quarter 1 2024/25,,,,,,,,,,\n" +
		",,,,,,,,,,\n" + canon
	quoted := "council_code,provider_id,provider_name,service,metric,period,numerator,denominator,value,note\n" +
		"E08000009,1-101234567,\"Acme Care, Ltd\",homecare,hc-visits-on-time,2024-25-Q1,950,1000,95,\"late runs on\nSundays, \"\"mostly\"\"\"\n" +
		"E08000009,1-101234567,\"Acme Care, Ltd\",homecare,hc-continuity,2024-06,80,100,80,\n"
	rejected := "council_code,provider_id,provider_name,service,metric,period,numerator,denominator,value\n" +
		"E99999999,1-101234567,Acme,homecare,hc-visits-on-time,2024-25-Q1,95,100,95\n" +
		"E08000009,CQC-1,Acme,homecare,hc-visits-late,2027-28-Q1,120,100,abc\n" +
		"E08000009,1-101234567,Acme,homecare\n" +
		"E08000009,1-101234567,Ac\"me,homecare,hc-visits-on-time,2024-25-Q1,95,100,95\n"
	wide := "area_code,area_name,period,indicator,measure,unit,value\n" +
		"E09000003,Barnet,2014/15,Social Care Service users who are satisfied with their care and support,Percentage,Persons,61\n" +
		"E92000001,England,2020/21,Social Care Service users who are satisfied with their care and support,Percentage,Persons,NA\n"
	return [][]byte{
		[]byte(canon), []byte(semicolon), []byte(bom), []byte(cp1252), []byte(preamble), []byte(quoted),
		[]byte(rejected), []byte(wide), []byte(canon[:strings.IndexByte(canon, '\n')+1]), {}, []byte("\xEF\xBB\xBF"),
		[]byte("\xFF\xFEc\x00"), []byte("council_code,metric\x00\n"),
		[]byte("Trafford \"Q1\" return\n" + canon), // a bare quote above the header
	}
}

// FuzzIngest feeds arbitrary bytes through the whole pipeline, decode,
// checks and storage, and checks that the outcome is consistent: no panic,
// no error (nothing here can fail at I/O), a report whose counts agree with
// its problems, and a warehouse that holds the rows of an accepted file and
// nothing of a rejected one.
func FuzzIngest(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	base := testPipeline(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := *base
		p.Layout.Root = t.TempDir()
		rep, err := p.Ingest(context.Background(), bytes.NewReader(data), "return.csv", Options{})
		if err != nil {
			t.Fatalf("Ingest: %v", err)
		}
		fuzzCheckReport(t, rep, data)

		dir := p.Layout.Submission(rep.Submission)
		stored, err := os.ReadFile(filepath.Join(dir, "return.csv"))
		if err != nil {
			t.Fatalf("the file was not stored: %v", err)
		}
		if !bytes.Equal(stored, data) {
			t.Fatal("the stored file differs from the bytes received")
		}
		man := whManifest(t, dir)
		if man.Status != rep.Status || man.Rows != rep.Rows || man.Errors != rep.Errors {
			t.Errorf("manifest status %q rows %d errors %d, report %q %d %d",
				man.Status, man.Rows, man.Errors, rep.Status, rep.Rows, rep.Errors)
		}
		if _, err := os.Stat(filepath.Join(dir, "report.json")); err != nil {
			t.Errorf("no report.json: %v", err)
		}

		files := whParquetPaths(t, p.Layout.Root)
		if !rep.Accepted() {
			if len(files) != 0 {
				t.Fatalf("a rejected file wrote %d parquet files", len(files))
			}
		} else {
			if len(files) == 0 || len(files) != len(man.Files) {
				t.Fatalf("an accepted file wrote %d parquet files, the manifest lists %d", len(files), len(man.Files))
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			rows := 0
			for _, path := range files {
				obs, err := parquet.ReadFile[Observation](path)
				if err != nil {
					t.Fatalf("read %s: %v", path, err)
				}
				rows += len(obs)
				for _, o := range obs {
					if o.SourceLine < 1 || o.SourceLine > int64(lines) {
						t.Errorf("source_line %d outside the file's %d lines", o.SourceLine, lines)
					}
					if o.SubmissionID != rep.Submission || o.CouncilCode == "" || o.Period == "" {
						t.Errorf("row from line %d: submission %q council %q period %q", o.SourceLine, o.SubmissionID, o.CouncilCode, o.Period)
					}
					if (o.Value == nil) != (o.Status == "c" || o.Status == "x" || o.Status == "z") {
						t.Errorf("row from line %d: value %v with status %q", o.SourceLine, mtFmtPtr(o.Value), o.Status)
					}
				}
			}
			if rows != rep.Rows {
				t.Errorf("the warehouse holds %d rows, the report says %d", rows, rep.Rows)
			}
		}
		whNoTempFiles(t, p.Layout.Root)
	})
}

// fuzzCheckReport checks that a report agrees with itself and with the bytes
// it is about.
func fuzzCheckReport(t *testing.T, rep *Report, data []byte) {
	t.Helper()
	sum := sha256.Sum256(data)
	if rep.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("sha256 %s, want %x", rep.SHA256, sum)
	}
	switch rep.Status {
	case schemas.SubmissionAccepted:
		if !rep.Accepted() || rep.Rows <= 0 {
			t.Errorf("accepted with %d errors and %d rows", rep.Errors, rep.Rows)
		}
	case schemas.SubmissionRejected:
		if rep.Accepted() || rep.Rows != 0 {
			t.Errorf("rejected with %d errors and %d rows", rep.Errors, rep.Rows)
		}
	default:
		t.Errorf("status %q", rep.Status)
	}
	if len(data) == 0 && rep.Accepted() {
		t.Error("an empty file was accepted")
	}
	errs, warns := 0, 0
	lines := bytes.Count(data, []byte("\n")) + 1
	for i, pr := range rep.Problems {
		switch pr.Severity {
		case SevError:
			errs++
		case SevWarning:
			warns++
		default:
			t.Errorf("problem %v: severity %q", pr, pr.Severity)
		}
		if pr.Code == "" || pr.Message == "" {
			t.Errorf("problem %d has no code or message: %+v", i, pr)
		}
		if pr.Line < 1 || pr.Line > lines {
			t.Errorf("problem on line %d of a file of %d lines: %v", pr.Line, lines, pr)
		}
		if pr.Column < 0 {
			t.Errorf("problem in column %d: %v", pr.Column, pr)
		}
		if i > 0 {
			prev := rep.Problems[i-1]
			if prev.Line > pr.Line || prev.Line == pr.Line && prev.Column > pr.Column {
				t.Errorf("problems out of order: %v before %v", prev, pr)
			}
		}
	}
	if len(rep.Problems) > MaxProblems {
		t.Errorf("%d problems listed, more than %d", len(rep.Problems), MaxProblems)
	}
	omitted := 0
	for _, n := range rep.Omitted {
		omitted += n
	}
	if len(rep.Problems) < MaxProblems {
		if errs != rep.Errors || warns != rep.Warnings || omitted != 0 {
			t.Errorf("report counts %d errors and %d warnings (%d omitted); it lists %d and %d",
				rep.Errors, rep.Warnings, omitted, errs, warns)
		}
	} else if errs+warns+omitted != rep.Errors+rep.Warnings {
		t.Errorf("report counts %d problems; it lists %d and omits %d", rep.Errors+rep.Warnings, errs+warns, omitted)
	}
}

// TestIngestRegressions holds inputs that once made Ingest fail with an
// error instead of a report.
func TestIngestRegressions(t *testing.T) {
	t.Parallel()
	const canon = "council_code,provider_id,provider_name,service,metric,period,numerator,denominator,value\n" +
		"E08000009,1-101234567,Acme Care Ltd,homecare,hc-visits-on-time,2024-25-Q1,950,1000,95\n"
	cases := []struct {
		Name     string
		Input    string
		Accepted bool
	}{
		// The preamble was read with strict quotes after sniff had read it
		// with lazy ones: "read header: bare \" in non-quoted-field".
		{"bare quote in a title row", "Trafford \"Q1\" return\n" + canon, true},
		{"bare quote in the header", strings.Replace(canon, "provider_name", "provider \"name\"", 1), true},
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			rep, err := p.Ingest(context.Background(), strings.NewReader(tc.Input), "return.csv", Options{})
			if err != nil {
				t.Fatalf("Ingest: %v", err)
			}
			fuzzCheckReport(t, rep, []byte(tc.Input))
			if rep.Accepted() != tc.Accepted {
				t.Errorf("accepted %v, want %v: %v", rep.Accepted(), tc.Accepted, rep.Problems)
			}
		})
	}
}
