package schemas

// SpreadsheetSafe returns a CSV text cell as a spreadsheet shows it rather
// than runs it: a cell starting with =, +, -, @, a tab or a carriage return
// is read by Excel and LibreOffice as a formula (OWASP's "CSV injection"),
// so it gets a leading apostrophe, which they hide. Only text cells pass
// through here, so a number such as -1.5 stays a number.
func SpreadsheetSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
