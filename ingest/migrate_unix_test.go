//go:build unix

package ingest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestMigrateCrashHelper is run by TestMigrateCrash in a process of its
// own: it migrates the data folder in YARDSTICK_CRASH_DATA and, at the
// step named in YARDSTICK_FAILPOINT, kills itself with SIGKILL.
func TestMigrateCrashHelper(t *testing.T) {
	data := os.Getenv(envCrashData)
	if data == "" || os.Getenv(envCrashReturn) != "migrate" {
		t.Skip("run by TestMigrateCrash")
	}
	step := os.Getenv(envFailpoint)
	failpoint = func(s string) {
		if s == step {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
	}
	if _, err := MigrateWarehouse(context.Background(), schemas.Layout{Root: data}, MigrateOptions{Now: migNow}); err != nil {
		t.Fatal(err)
	}
}

// TestMigrateCrash kills a migration (SIGKILL) at each of its steps and
// runs it again: the result is the one an uninterrupted migration gives
// (migCheck), and ingest refuses the folder while the killed migration
// left it unfinished, rather than writing into either tree.
func TestMigrateCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary five times")
	}
	t.Parallel()
	t.Run("not begun", func(t *testing.T) {
		t.Parallel()
		p := testPipeline(t)
		migFixture(t, p.Layout.Root)
		_, err := p.Ingest(context.Background(), strings.NewReader(supReturn("a-ontime")), "r.csv", Options{})
		want := "run `yardstick warehouse migrate --data " + p.Layout.Root + "` once"
		if !errors.Is(err, schemas.ErrWarehouseLayout1) || !strings.Contains(err.Error(), want) {
			t.Errorf("ingest before a migration: %v, want it refused as layout 1, saying %q", err, want)
		}
	})
	for _, step := range []string{"migrate-built", "migrate-complete", "migrate-old-moved", "migrate-new-moved", "migrate-layout-written"} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			migFixture(t, root)
			cmd := exec.Command(os.Args[0], "-test.run=^TestMigrateCrashHelper$", "-test.count=1")
			cmd.Env = crashEnv(t, envCrashData+"="+root, envCrashReturn+"=migrate", envFailpoint+"="+step)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("migration meant to die at %s ended with %v\n%s", step, err, out)
			}
			if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("migration meant to die at %s: %v (step never reached?)\n%s", step, err, out)
			}
			// At every step the new tree or its marker is there (the
			// marker stays in observations until after layout.json is
			// written), so ingest says the migration has not finished,
			// never that the warehouse is in layout 1.
			p := testPipeline(t)
			p.Layout.Root = root
			_, err = p.Ingest(context.Background(), strings.NewReader(supReturn("a-ontime")), "r.csv", Options{})
			want := "run `yardstick warehouse migrate --data " + root + "` again"
			if !errors.Is(err, schemas.ErrWarehouseMigrationUnfinished) || !strings.Contains(err.Error(), "has not finished") ||
				!strings.Contains(err.Error(), want) || errors.Is(err, schemas.ErrWarehouseLayout1) {
				t.Errorf("ingest after a migration killed at %s: %v, want it refused saying the migration has not finished and %q", step, err, want)
			}
			if _, err := MigrateWarehouse(context.Background(), schemas.Layout{Root: root}, MigrateOptions{Now: migNow}); err != nil {
				t.Fatal(err)
			}
			migCheck(t, root)
		})
	}
}
