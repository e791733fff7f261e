package schemas

import "strings"

// GroupDigits puts a comma between each group of three digits of a
// string of digits, from the right, as figures are written for people:
// "1234567" is "1,234,567". The website's figures and publish's progress
// lines both use it; data files keep plain digits for machines.
func GroupDigits(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteByte(',')
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
