package schemas

import "testing"

func TestGroupDigits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""}, {"0", "0"}, {"7", "7"}, {"999", "999"}, {"1000", "1,000"}, {"12345", "12,345"},
		{"303710", "303,710"}, {"1000000", "1,000,000"}, {"1234567", "1,234,567"},
	} {
		if got := GroupDigits(tc.in); got != tc.want {
			t.Errorf("GroupDigits(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
